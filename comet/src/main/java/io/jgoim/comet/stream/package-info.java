/**
 * Stream positions for position-aware sessions (auth ver 3): the per-session
 * {@link io.jgoim.comet.stream.StreamCursor} (epoch and next offset per stream, the merge-by-offset rule),
 * {@link io.jgoim.comet.stream.StreamDelivery}, which acts on it (op-20 frames, gap recovery, resume at auth, room
 * changes, op-21 stream states) and writes through {@code StreamWriter}, with {@code ResumeReads} (the resume's
 * history reads) and {@code HeldBeforeReply} (pushes held behind the auth reply),
 * {@link io.jgoim.comet.stream.StreamFilter}
 * (the messages a session skips while its cursor still passes them: key pushes for another device of its member,
 * unwatched ops on member and broadcast streams; one rule for live pushes and history entries),
 * {@link io.jgoim.comet.stream.HistoryReads}, the comet's single-flight reads of logic's History with the recent
 * messages of each room and of the broadcast stream, and {@link io.jgoim.comet.stream.AckBatcher}, which coalesces
 * the sessions' member-stream acks (op 22) into one Ack call to logic per flush interval. Sits above frame (it writes
 * push and reply frames) and below index (a {@link io.jgoim.comet.index.Session} holds its delivery, null for goim
 * and ver-2 clients).
 */
package io.jgoim.comet.stream;
