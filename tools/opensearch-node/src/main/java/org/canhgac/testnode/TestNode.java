package org.canhgac.testnode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * A real single OpenSearch node for canhgac's integration tests, started from the Maven Central jars without the
 * distribution or Docker. Like OpenSearch's own MockNode it subclasses {@link Node} to pass plugin classes that sit
 * on the classpath (the Netty4 HTTP/transport plugin above all: without it the node has no REST port).
 *
 * <p>Usage: {@code java -cp ... org.canhgac.testnode.TestNode <home-dir> <http-port> <transport-port>}.
 */
public final class TestNode extends Node {

  /** Plugins a distribution loads from modules/; each is optional so a missing jar only loses its feature. */
  private static final String[] PLUGIN_CLASSES = {
    "org.opensearch.transport.Netty4Plugin",
    "org.opensearch.index.reindex.ReindexPlugin",
    "org.opensearch.analysis.common.CommonAnalysisPlugin",
    "org.opensearch.index.mapper.MapperExtrasPlugin",
    "org.opensearch.painless.PainlessPlugin",
  };

  private TestNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
    super(env, plugins, true);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: TestNode <home-dir> <http-port> <transport-port>");
      System.exit(2);
    }
    Path home = Paths.get(args[0]).toAbsolutePath();
    Files.createDirectories(home.resolve("data"));
    Files.createDirectories(home.resolve("logs"));
    Files.createDirectories(home.resolve("config"));
    // Netty would otherwise try to set the processor count that OpenSearch sets itself.
    System.setProperty("opensearch.set.netty.runtime.available.processors", "false");

    Settings settings = Settings.builder()
        .put("cluster.name", "canhgac-test")
        .put("node.name", "canhgac-test-node")
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("path.logs", home.resolve("logs").toString())
        .put("network.host", "127.0.0.1")
        .put("http.port", args[1])
        .put("transport.port", args[2])
        .put("http.type", "netty4")
        .put("transport.type", "netty4")
        .put("discovery.type", "single-node")
        // A test machine's disk may be nearly full: never block allocation or writes on watermarks.
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .put("action.destructive_requires_name", false)
        .put("indices.query.bool.max_clause_count", 10000)
        // Without a log4j2.properties the root logger only prints errors; warnings explain failed starts.
        .put("logger.level", System.getProperty("canhgac.log.level", "WARN"))
        .build();

    LogConfigurator.configureWithoutConfig(settings);
    Environment env = InternalSettingsPreparer.prepareEnvironment(
        settings, Collections.emptyMap(), home.resolve("config"), () -> "canhgac-test-node");

    List<Class<? extends Plugin>> plugins = new ArrayList<>();
    for (String name : PLUGIN_CLASSES) {
      try {
        plugins.add(Class.forName(name).asSubclass(Plugin.class));
      } catch (ClassNotFoundException e) {
        System.err.println("Plugin not on the classpath, its features are missing: " + name);
      }
    }

    TestNode node = new TestNode(env, plugins);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
        node.awaitClose(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        e.printStackTrace();
      }
      stopped.countDown();
    }, "canhgac-test-node-shutdown"));
    node.start();
    System.out.println("canhgac test node started: http://127.0.0.1:" + args[1]);
    stopped.await();
  }
}
