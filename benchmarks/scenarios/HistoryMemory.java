// Redis memory of room histories (RedisHistoryStore.append as job writes it: one append per message, with the Kafka
// record's topic/partition/offset as dedupe id): STREAMS rooms filled to SIZE messages of 80 bytes (a 64-byte push in
// its frame), plus 10 more each so the trim runs. Same scratch redis-server and used_memory reading as
// RouteMemory.java (docs/capacity.md):
//   java -cp server/target/jgoim.jar benchmarks/scenarios/HistoryMemory.java redis://127.0.0.1:7391 2000 100 1
// Arguments: redis URI, streams, size, 1 = with dedupe ids (rooms) / 0 = without.
import io.jgoim.common.history.RedisHistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.common.redis.RedisClients;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.CompletableFuture;

public class HistoryMemory {
    public static void main(String[] a) throws Exception {
        int streams = Integer.parseInt(a[1]), size = Integer.parseInt(a[2]), dedupe = Integer.parseInt(a[3]);
        RedisClients r = RedisClients.connect(List.of(a[0]), false, Duration.ofSeconds(5), 100000);
        RedisHistoryStore h = new RedisHistoryStore(r, new SimpleMeterRegistry());
        Retention ret = new Retention(size, Duration.ofMinutes(10));
        byte[] body = new byte[80];
        long off = 0;
        List<CompletableFuture<?>> batch = new ArrayList<>();
        for (int m = 0; m < size + 10; m++) {
            for (int s = 0; s < streams; s++) {
                List<String> ids = dedupe == 1 ? List.of("goim-push-topic/" + (s % 12) + "/" + (off++)) : null;
                batch.add(h.append("live://" + s, List.of(body), ids, ret, false));
                if (batch.size() == 2000) { CompletableFuture.allOf(batch.toArray(new CompletableFuture[0])).join(); batch.clear(); }
            }
        }
        CompletableFuture.allOf(batch.toArray(new CompletableFuture[0])).join();
        System.out.println("done");
        System.exit(0);
    }
}
