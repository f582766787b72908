package io.jgoim.comet.node;

import io.jgoim.comet.frame.NodeHints;
import io.jgoim.common.registry.NodeInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Chooses the node hints of one drain from one read of the node registry: the other comets that take clients (not
 * this one, not offline or draining, weight above 0), one address per comet and transport, at most
 * {@code perTransport} of them, in several weighted random orders (a comet of weight 2 comes first twice as often as
 * one of weight 1), so the clients of the draining comet spread in proportion to the weights. Pure apart from its
 * random source; used once per drain, never per session.
 */
public final class HintPicker {
    /** How many orders each transport's hints come in (each goodbye picks one). */
    static final int ORDERS = 16;

    private final String selfId;
    private final int perTransport;
    private final Random random;

    /**
     * @param selfId       this comet's node id (never hinted)
     * @param perTransport the most addresses one goodbye names per transport
     * @param random       the random source (seeded in tests)
     */
    public HintPicker(String selfId, int perTransport, Random random) {
        this.selfId = selfId;
        this.perTransport = perTransport;
        this.random = random;
    }

    /** The hints for the registry's {@code nodes}; {@link NodeHints#NONE} when no other comet takes clients. */
    public NodeHints pick(List<NodeInfo> nodes) {
        List<NodeInfo> open = new ArrayList<>();
        for (NodeInfo n : nodes) {
            if (!n.id().equals(selfId) && !n.offline() && n.weight() > 0) {
                open.add(n);
            }
        }
        if (open.isEmpty()) {
            return NodeHints.NONE;
        }
        return NodeHints.of(orders(open, NodeInfo::tcpAddrs), orders(open, NodeInfo::wsAddrs),
                orders(open, NodeInfo::wssAddrs));
    }

    private List<List<String>> orders(List<NodeInfo> open, Function<NodeInfo, List<String>> addrs) {
        List<NodeInfo> with = open.stream().filter(n -> !addrs.apply(n).isEmpty()).toList();
        List<List<String>> out = new ArrayList<>(ORDERS);
        if (with.isEmpty()) {
            return out;
        }
        for (int i = 0; i < ORDERS; i++) {
            out.add(weightedOrder(with, addrs));
        }
        return out;
    }

    /**
     * One weighted random order without replacement (Efraimidis-Spirakis: sort by {@code -ln(u) / weight}), cut to
     * {@code perTransport} addresses.
     */
    private List<String> weightedOrder(List<NodeInfo> nodes, Function<NodeInfo, List<String>> addrs) {
        record Keyed(double key, String addr) {
        }
        List<Keyed> keyed = new ArrayList<>(nodes.size());
        for (NodeInfo n : nodes) {
            double u = 1.0 - random.nextDouble();
            keyed.add(new Keyed(-Math.log(u) / n.weight(), addrs.apply(n).get(0)));
        }
        keyed.sort(Comparator.comparingDouble(Keyed::key));
        List<String> out = new ArrayList<>(Math.min(perTransport, keyed.size()));
        for (int i = 0; i < keyed.size() && i < perTransport; i++) {
            out.add(keyed.get(i).addr());
        }
        return out;
    }
}
