package io.jgoim.comet.node;

import io.jgoim.comet.frame.NodeHints;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.common.registry.NodeInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which comets a drain's goodbyes name, and in what orders. */
class HintPickerTest {
    private static NodeInfo node(String id, int weight, boolean offline) {
        return new NodeInfo(id, "", weight, List.of(id + ":3101"), List.of(id + ":3102"), List.of(), id + ":3109", 0,
                offline, 0);
    }

    private static List<String> nodes(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        assertThat(s).startsWith("{\"nodes\":[").endsWith("]}");
        List<String> out = new ArrayList<>();
        for (String part : s.substring(10, s.length() - 2).split(",")) {
            out.add(part.substring(1, part.length() - 1));
        }
        return out;
    }

    @Test
    void shouldLeaveOutItselfOfflineAndZeroWeightNodes() {
        HintPicker p = new HintPicker("a", 3, new Random(1));
        NodeHints h = p.pick(List.of(node("a", 1, false), node("b", 1, false), node("c", 1, true),
                node("d", 0, false)));
        for (int i = 0; i < 50; i++) {
            assertThat(nodes(h.pick(SessionTransport.TCP, false))).containsExactly("b:3101");
            assertThat(nodes(h.pick(SessionTransport.WEBSOCKET, false))).containsExactly("b:3102");
        }
        assertThat(h.pick(SessionTransport.WEBSOCKET, true)).as("no wss listener").isNull();
    }

    @Test
    void shouldGiveNoHintsWhenNoOtherNodeTakesClients() {
        HintPicker p = new HintPicker("a", 3, new Random(1));
        assertThat(p.pick(List.of(node("a", 1, false), node("c", 1, true)))).isSameAs(NodeHints.NONE);
        assertThat(p.pick(List.of())).isSameAs(NodeHints.NONE);
    }

    @Test
    void shouldNameAtMostThreeInSeveralWeightedOrders() {
        HintPicker p = new HintPicker("self", 3, new Random(7));
        List<NodeInfo> all = List.of(node("b", 1, false), node("c", 1, false), node("d", 1, false),
                node("e", 1, false), node("heavy", 8, false));
        Map<String, Integer> firsts = new HashMap<>();
        Set<List<String>> orders = new HashSet<>();
        for (int round = 0; round < 40; round++) {
            NodeHints h = p.pick(all);
            for (int i = 0; i < 20; i++) {
                List<String> n = nodes(h.pick(SessionTransport.TCP, false));
                assertThat(n).hasSize(3).doesNotHaveDuplicates();
                orders.add(n);
                firsts.merge(n.get(0).split(":")[0], 1, Integer::sum);
            }
        }
        assertThat(orders).as("clients spread: not one order for all").hasSizeGreaterThan(5);
        // Weight 8 of 12: first about two thirds of the 800 times; each weight-1 node about one twelfth.
        assertThat(firsts.get("heavy")).isBetween(440, 620);
        assertThat(firsts.keySet()).contains("b", "c", "d", "e");
    }
}
