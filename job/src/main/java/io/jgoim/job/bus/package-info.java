/** The in-process push bus of standalone mode: logic → job's dispatcher directly, bounded, no Kafka. */
package io.jgoim.job.bus;
