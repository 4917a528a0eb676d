package redk;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Test-only Neo4j 5 (community, embedded through neo4j-harness) with Bolt on 127.0.0.1.
 *
 * <pre>
 * java -cp target/classes:$(cat target/classpath.txt) redk.Neo4jTestServer [port|0] [password] [data-dir]
 * </pre>
 *
 * <ul>
 *   <li>Bolt only (no encryption) on 127.0.0.1:port; port 0 picks a free one. HTTP/HTTPS are off.</li>
 *   <li>Auth is ON with fixed credentials: user {@code neo4j}, password = 2nd argument or
 *       {@code redk-test-password} (no change required).</li>
 *   <li>Data and logs live in data-dir (created if missing) or else a fresh temp dir; either is deleted
 *       on exit. Point {@code -Djava.io.tmpdir} into it too so library temp files go with it.</li>
 *   <li>Prints exactly one line {@code NEO4J_READY bolt://127.0.0.1:<port>} on stdout when ready;
 *       everything else goes to stderr.</li>
 *   <li>Exits cleanly on SIGTERM/SIGINT and when stdin reaches EOF (the parent went away).</li>
 * </ul>
 */
public final class Neo4jTestServer {
    public static final String DEFAULT_PASSWORD = "redk-test-password";

    private Neo4jTestServer() {}

    public static void main(String[] args) throws Exception {
        // Keep stdout for the READY line only; anything a library prints goes to stderr.
        PrintStream stdout = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        String password = args.length > 1 ? args[1] : DEFAULT_PASSWORD;
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        if (password.length() < 8) throw new IllegalArgumentException("Neo4j 5 needs a password of at least 8 characters");

        long t0 = System.nanoTime();
        Path workDir = args.length > 2
                ? Files.createDirectories(Path.of(args[2]).toAbsolutePath())
                : Files.createTempDirectory("redk-neo4j-");
        AtomicBoolean stopped = new AtomicBoolean(false);
        Neo4j[] holder = new Neo4j[1];

        Runnable stop = () -> {
            if (!stopped.compareAndSet(false, true)) return;
            Neo4j neo4j;
            synchronized (holder) {
                neo4j = holder[0];
            }
            if (neo4j != null) {
                try {
                    neo4j.close();
                } catch (Throwable e) {
                    System.err.println("neo4j-test-server: error while closing: " + e);
                }
            }
            deleteRecursively(workDir);
            System.err.println("neo4j-test-server: stopped");
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-test-server-shutdown"));

        // The parent keeps our stdin open as a pipe; EOF means it is gone, so we go too.
        Thread stdinWatch = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] buf = new byte[256];
                while (in.read(buf) >= 0) {
                    // ignore whatever is sent
                }
            } catch (IOException ignored) {
                // treat as EOF
            }
            System.err.println("neo4j-test-server: stdin closed, shutting down");
            System.exit(0);
        }, "neo4j-test-server-stdin");
        stdinWatch.setDaemon(true);
        stdinWatch.start();

        Neo4j neo4j;
        try {
            neo4j = Neo4jBuilders.newInProcessBuilder(workDir)
                    .withDisabledServer() // no HTTP/HTTPS web server
                    .withConfig(HttpConnector.enabled, false)
                    .withConfig(HttpsConnector.enabled, false)
                    .withConfig(BoltConnector.enabled, true)
                    .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                    .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .withConfig(GraphDatabaseSettings.auth_enabled, true)
                    .withConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
                    // Bolt's Netty loops otherwise idle 5 s each on shutdown (10 s per stop).
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(3))
                    .build();
        } catch (Throwable e) {
            System.err.println("neo4j-test-server: failed to start: " + e);
            e.printStackTrace(System.err);
            deleteRecursively(workDir);
            System.exit(1);
            return;
        }
        synchronized (holder) {
            holder[0] = neo4j;
        }
        if (stopped.get()) {
            // A signal arrived while starting: the shutdown hook already ran without the instance.
            neo4j.close();
            deleteRecursively(workDir);
            return;
        }

        try {
            neo4j.databaseManagementService()
                    .database("system")
                    .executeTransactionally(
                            "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (Throwable e) {
            System.err.println("neo4j-test-server: could not set the password: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }

        URI bolt = neo4j.boltURI();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.err.println("neo4j-test-server: Neo4j " + neo4jVersion() + " up in " + ms + " ms, data in " + workDir
                + ", user neo4j");
        stdout.println("NEO4J_READY bolt://127.0.0.1:" + bolt.getPort());
        stdout.flush();

        // Park the main thread; shutdown happens through the hook (SIGTERM) or the stdin watcher.
        Thread.currentThread().join();
    }

    private static String neo4jVersion() {
        Package p = Neo4j.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "5.x" : v;
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) return;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("neo4j-test-server: could not delete " + root + ": " + e);
        }
    }
}
