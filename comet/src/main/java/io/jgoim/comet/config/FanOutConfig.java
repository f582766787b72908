package io.jgoim.comet.config;

import io.jgoim.common.config.Checks;

/**
 * How each event loop writes a room's pushes (docs/operations.md, "Coalescing follows the load"; issue 17).
 *
 * @param rollingChunk members per chunk of a room's rolling pass: a push that arrives while a loop is writing a room
 *                     joins the rest of that pass, chunk by chunk, instead of waiting for the next whole pass; 0 writes
 *                     each room's pass whole (as before issue 17)
 */
public record FanOutConfig(int rollingChunk) {
    public FanOutConfig {
        Checks.check(rollingChunk >= 0 && rollingChunk <= 1_000_000,
                "fanout.rollingChunk must be within 0..1000000 (0 = whole passes), was " + rollingChunk);
    }
}
