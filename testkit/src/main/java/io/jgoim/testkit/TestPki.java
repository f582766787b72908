package io.jgoim.testkit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Certificates generated at test time with the JDK's {@code keytool} (no BouncyCastle, no openssl): a CA, a server
 * certificate and a client certificate it signed, and a self-signed "stranger" that chains to nothing the CA trusts.
 * Keys are EC P-256 (fast to generate), written as PEM PKCS#8 next to PEM certificates, the files the nodes' TLS
 * sections take. Generated once per JVM ({@link #shared()}) because each keytool run starts a JVM.
 */
public final class TestPki {
    /** Names in the server certificate: the loopback host as name and as IP, and a fixed service name. */
    public static final String SERVICE_NAME = "node.jgoim.test";
    private static final String PASSWORD = "changeit";
    private static TestPki shared;

    private final Path caFile;
    private final Issued server;
    private final Issued client;
    private final Issued stranger;

    private TestPki(Path caFile, Issued server, Issued client, Issued stranger) {
        this.caFile = caFile;
        this.server = server;
        this.client = client;
        this.stranger = stranger;
    }

    /** One certificate with its PEM files and the loaded key and chain (for JDK clients). */
    public record Issued(Path certFile, Path keyFile, PrivateKey key, List<X509Certificate> chain) {
    }

    /** The PKI of this JVM, generated on first use in a temporary directory removed at exit. */
    public static synchronized TestPki shared() {
        if (shared == null) {
            shared = generate();
        }
        return shared;
    }

    /** The CA certificate (PEM): the trust anchor of servers and clients. */
    public Path caFile() {
        return caFile;
    }

    /** Signed by the CA for {@code localhost}, {@code 127.0.0.1} and {@link #SERVICE_NAME}. */
    public Issued server() {
        return server;
    }

    /** Signed by the CA, for mutual TLS. */
    public Issued client() {
        return client;
    }

    /** Self-signed, for {@code localhost}/{@code 127.0.0.1}: its certificate file is "another CA" for trust tests. */
    public Issued stranger() {
        return stranger;
    }

    /** A JDK TLS context trusting {@code trustPem}, presenting {@code clientOrNull}'s certificate when not null. */
    public SSLContext jdkContext(Path trustPem, Issued clientOrNull) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", readCert(trustPem));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (clientOrNull != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", clientOrNull.key(), PASSWORD.toCharArray(),
                        clientOrNull.chain().toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, PASSWORD.toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a JDK TLS context", e);
        }
    }

    private static TestPki generate() {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Path dir = Files.createTempDirectory("jgoim-pki");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            CompletableFuture<Void> ca = CompletableFuture.runAsync(() -> {
                keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=jgoim test CA", "-ext", "bc:c", "-validity", "30", "-keystore", "ca.p12");
                keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
            }, pool);
            CompletableFuture<Void> serverReq = CompletableFuture.runAsync(() -> request(dir, "server"), pool);
            CompletableFuture<Void> clientReq = CompletableFuture.runAsync(() -> request(dir, "client"), pool);
            CompletableFuture<Void> stranger = CompletableFuture.runAsync(() -> {
                keytool(dir, "-genkeypair", "-alias", "stranger", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "30",
                        "-keystore", "stranger.p12");
                keytool(dir, "-exportcert", "-rfc", "-alias", "stranger", "-keystore", "stranger.p12", "-file",
                        "stranger.pem");
            }, pool);
            CompletableFuture<Void> server = CompletableFuture.allOf(ca, serverReq).thenRunAsync(() ->
                    sign(dir, "server", "san=dns:localhost,ip:127.0.0.1,dns:" + SERVICE_NAME), pool);
            CompletableFuture<Void> client = CompletableFuture.allOf(ca, clientReq).thenRunAsync(() ->
                    sign(dir, "client", "san=dns:jgoim-client"), pool);
            CompletableFuture.allOf(server, client, stranger).get(2, TimeUnit.MINUTES);
            X509Certificate caCert = readCert(dir.resolve("ca.pem"));
            return new TestPki(dir.resolve("ca.pem"), issued(dir, "server", caCert), issued(dir, "client", caCert),
                    issued(dir, "stranger", null));
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate test certificates with keytool", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void request(Path dir, String name) {
        keytool(dir, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + name, "-validity", "30", "-keystore", name + ".p12");
        keytool(dir, "-certreq", "-alias", name, "-keystore", name + ".p12", "-file", name + ".csr");
    }

    private static void sign(Path dir, String name, String san) {
        keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", name + ".csr",
                "-outfile", name + ".pem", "-validity", "30", "-ext", san,
                "-ext", "eku=serverAuth,clientAuth", "-ext", "ku:c=digitalSignature");
    }

    /** Loads {@code name.pem} and the key of {@code name.p12}, and writes the key as {@code name.key} (PKCS#8). */
    private static Issued issued(Path dir, String name, X509Certificate caOrNull) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey(name, PASSWORD.toCharArray());
        Path keyFile = dir.resolve(name + ".key");
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(keyFile, pem, StandardCharsets.US_ASCII);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(readCert(dir.resolve(name + ".pem")));
        if (caOrNull != null) {
            chain.add(caOrNull);
        }
        return new Issued(dir.resolve(name + ".pem"), keyFile, key, List.copyOf(chain));
    }

    private static X509Certificate readCert(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void keytool(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
        dir.toFile().delete();
    }
}
