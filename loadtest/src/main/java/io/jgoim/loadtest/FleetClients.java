package io.jgoim.loadtest;

import io.jgoim.client.JgoimClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The clients a {@link SessionFleet} built, by session number, and what a scenario does to all of them at once: list
 * them, cut their connections on purpose, close them. Apart from the fleet so that its pacing and latency recording
 * read without the bookkeeping of who is there. Thread-safe: sessions are set on the event loops, the rest is called
 * from the scenario's thread.
 */
final class FleetClients {
    private final AtomicReferenceArray<JgoimClient> clients;
    /** Clients whose connection the scenario cut on purpose ({@link #cut}): their next close is no drop. */
    private final Set<JgoimClient> cuts = ConcurrentHashMap.newKeySet();

    FleetClients(int sessions) {
        this.clients = new AtomicReferenceArray<>(sessions);
    }

    /** Session {@code i}'s client, replacing the one of an earlier attempt. */
    void set(int i, JgoimClient client) {
        clients.set(i, client);
    }

    /** The clients built so far (null where a session was not started). */
    List<JgoimClient> list() {
        List<JgoimClient> out = new ArrayList<>(clients.length());
        for (int i = 0; i < clients.length(); i++) {
            out.add(clients.get(i));
        }
        return out;
    }

    /** True, once, when {@code client}'s connection was cut on purpose ({@link #cut}): its close is no drop. */
    boolean takeCut(JgoimClient client) {
        return cuts.remove(client);
    }

    /**
     * Cuts the connection of every client that has one, as a lost link would (see {@link ConnectionCut}). Returns how
     * many connections were cut.
     */
    int cut() {
        int n = 0;
        for (int i = 0; i < clients.length(); i++) {
            JgoimClient c = clients.get(i);
            if (c == null) {
                continue;
            }
            cuts.add(c);
            if (ConnectionCut.cut(c)) {
                n++;
            } else {
                cuts.remove(c);
            }
        }
        return n;
    }

    /** Closes every client and waits for them, 30 s at the most (then says so on stderr). */
    void closeAll() {
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (int i = 0; i < clients.length(); i++) {
            JgoimClient c = clients.get(i);
            if (c != null) {
                closes.add(c.closeAsync());
            }
        }
        CompletableFuture<?>[] closed = closes.toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closed).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("loadtest: sessions still closing after 30 s: " + e);
        }
    }
}
