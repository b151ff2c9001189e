// Starts DynamoDB Local with its HTTP server bound to one address (default 127.0.0.1) instead of
// every interface: DynamoDB Local has no bind option and accepts any credentials, so on a shared
// network anyone could otherwise list and scan its tables. It builds the server the way
// DynamoDBLocal.jar's own main does (same command-line options), then sets the host of the Jetty
// connectors before they open. Reflection keeps this file free of compile-time dependencies, so
// `javac` needs nothing but the JDK. Compiled on first start by local/dynamodb/launcher.ts.
import java.lang.reflect.Field;

public final class LoopbackDynamoDBLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("splitloop.bindHost", "127.0.0.1");
    Class<?> runner = Class.forName("com.amazonaws.services.dynamodbv2.local.main.ServerRunner");
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
    Field field = proxy.getClass().getDeclaredField("server");
    field.setAccessible(true);
    Object jetty = field.get(proxy);
    Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Object connector : connectors) connector.getClass().getMethod("setHost", String.class).invoke(connector, host);
    proxy.getClass().getMethod("start").invoke(proxy);
    System.out.println("DynamoDB Local listening on " + host + " only");
  }
}
