/**
 * Test support shared with other modules through logic's test-jar: {@link io.jgoim.logic.testing.LogicTwin}, the one
 * LogicService twin (production's in-memory logic behind fault switches) that comet, client and job tests use.
 */
package io.jgoim.logic.testing;
