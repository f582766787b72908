// Redis memory per session route, as logic writes it (RedisSessionDirectory.addSession: key_{key} and the member's
// mid_{mid} hash, with their TTLs): used_memory before and after N sessions (docs/capacity.md). Against a scratch
// redis-server of its own (it fills the database):
//   redis-server --port 7391 --save "" --appendonly no --daemonize yes
//   redis-cli -p 7391 info memory | grep '^used_memory:'
//   java -cp server/target/jgoim.jar benchmarks/scenarios/RouteMemory.java redis://127.0.0.1:7391 200000 1
//   redis-cli -p 7391 info memory | grep '^used_memory:'     # (after - before) / 200000
// Arguments: redis URI, sessions, sessions per member.
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.session.RedisSessionDirectory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.CompletableFuture;

public class RouteMemory {
    public static void main(String[] a) throws Exception {
        String uri = a[0];
        int n = Integer.parseInt(a[1]);
        int perMember = Integer.parseInt(a[2]);
        RedisClients r = RedisClients.connect(List.of(uri), false, Duration.ofSeconds(5), 100000);
        RedisSessionDirectory d = new RedisSessionDirectory(r, Duration.ofMinutes(30), new SimpleMeterRegistry());
        List<CompletableFuture<Void>> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long mid = 1_000_000L + i / perMember;
            batch.add(d.addSession(mid, UUID.randomUUID().toString(), "jgoim-comet-" + (i % 16)));
            if (batch.size() == 2000) {
                CompletableFuture.allOf(batch.toArray(new CompletableFuture[0])).join();
                batch.clear();
            }
        }
        CompletableFuture.allOf(batch.toArray(new CompletableFuture[0])).join();
        System.out.println("done " + n);
        r.close();
        System.exit(0);
    }
}
