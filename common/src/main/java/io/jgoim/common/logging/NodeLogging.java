package io.jgoim.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Map;

/**
 * Applies a node's {@link LoggingConfig} to the process's logging once the node knows its role and id: the line
 * form of every {@link NodeLogEncoder} on the root logger's appenders (JSON for cluster nodes unless configured
 * otherwise; an operator's own {@code -Dlogback.configurationFile} keeps its form under {@code format: auto}), the
 * node they name, the root level and the per-logger levels; and routes {@code java.util.logging} (gRPC) into SLF4J.
 * Does nothing when SLF4J is not bound to Logback (tests of other modules, embedders with their own backend). Called
 * once, from the command's thread, before the node starts.
 */
public final class NodeLogging {
    private static final String LOGBACK_CONTEXT = "ch.qos.logback.classic.LoggerContext";

    private NodeLogging() {
    }

    /**
     * @param role        standalone, comet, logic or job
     * @param nodeId      the node's {@code node.id}
     * @param clusterMode true for the comet, logic and job commands ({@code format: auto} means JSON there)
     * @return whether Logback was configured (false: another backend, left alone)
     */
    public static boolean apply(String role, String nodeId, LoggingConfig config, boolean clusterMode) {
        if (!LOGBACK_CONTEXT.equals(LoggerFactory.getILoggerFactory().getClass().getName())) {
            return false;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        boolean ownFile = System.getProperty("logback.configurationFile") != null;
        boolean keepForm = ownFile && LoggingConfig.AUTO.equals(config.format());
        boolean json = config.json(clusterMode);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> a = it.next();
            if (a instanceof OutputStreamAppender<ILoggingEvent> out && out.getEncoder() instanceof NodeLogEncoder e) {
                e.setNode(role, nodeId);
                if (!keepForm) {
                    e.setJson(json);
                }
            }
        }
        root.setLevel(Level.toLevel(config.level()));
        context.getLogger(LogLevels.AUDIT_LOGGER).setLevel(Level.INFO);
        Map<String, String> levels = config.loggerLevels();
        levels.forEach((name, level) -> (LoggingConfig.ROOT.equalsIgnoreCase(name) ? root : context.getLogger(name))
                .setLevel(Level.toLevel(level)));
        bridgeJul();
        LoggerFactory.getLogger(NodeLogging.class).info("logging: {} lines, root {}, levels {}",
                keepForm ? "configured" : json ? "json" : "text", config.level(), levels);
        return true;
    }

    /** gRPC logs through java.util.logging: send it to SLF4J (logback.xml's LevelChangePropagator keeps JUL cheap). */
    private static void bridgeJul() {
        try {
            if (!org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
                org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
                org.slf4j.bridge.SLF4JBridgeHandler.install();
            }
        } catch (LinkageError e) {
            LoggerFactory.getLogger(NodeLogging.class).debug("jul-to-slf4j absent: java.util.logging left alone");
        }
    }
}
