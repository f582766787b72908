package io.jgoim.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.Recycler;
import io.netty.util.ReferenceCounted;

/**
 * One decoded goim frame: ver, op, seq and a body. Instances are pooled (Netty's {@link Recycler}) so that decoding
 * allocates nothing per frame beyond the pooled body slice. The Proto owns one reference to its body; when the
 * Proto's own count drops to zero the body is released and the instance goes back to the pool, so never touch a
 * Proto after releasing it. Not thread-safe; hand it off, don't share it.
 */
public final class Proto extends AbstractReferenceCounted {
    private static final Recycler<Proto> RECYCLER = new Recycler<>() {
        @Override
        protected Proto newObject(Handle<Proto> handle) {
            return new Proto(handle);
        }
    };

    private final Recycler.Handle<Proto> handle;
    private short ver;
    private int op;
    private int seq;
    private ByteBuf body;

    private Proto(Recycler.Handle<Proto> handle) {
        this.handle = handle;
    }

    /** A Proto that takes ownership of {@code body} (one reference). */
    public static Proto newInstance(int ver, int op, int seq, ByteBuf body) {
        Proto p = RECYCLER.get();
        p.setRefCnt(1);
        p.ver = (short) ver;
        p.op = op;
        p.seq = seq;
        p.body = body;
        return p;
    }

    /** A Proto with an empty body, version {@link PacketLayout#VERSION}. */
    public static Proto of(int op, int seq) {
        return newInstance(PacketLayout.VERSION, op, seq, Unpooled.EMPTY_BUFFER);
    }

    public short ver() {
        return ver;
    }

    public int op() {
        return op;
    }

    public int seq() {
        return seq;
    }

    /** The body; valid until this Proto is released. */
    public ByteBuf body() {
        return body;
    }

    public int bodyLength() {
        return body.readableBytes();
    }

    /** Length of this frame on the wire. */
    public int packLength() {
        return PacketLayout.HEADER_LENGTH + body.readableBytes();
    }

    @Override
    protected void deallocate() {
        ByteBuf b = body;
        body = null;
        if (b != null) {
            b.release();
        }
        handle.recycle(this);
    }

    @Override
    public Proto retain() {
        super.retain();
        return this;
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        if (body != null) {
            body.touch(hint);
        }
        return this;
    }

    @Override
    public String toString() {
        return "Proto{ver=" + ver + ", op=" + op + ", seq=" + seq + ", body=" + (body == null ? "released"
                : body.readableBytes() + "B") + '}';
    }
}
