import { config as loadDotenv } from 'dotenv';
import { appMetrics } from './app.js';
import { ConfigError, configWarnings, loadConfig, type Config } from './config.js';
import { createGateway, type Gateway } from './gateway.js';
import { createLogger } from './logger.js';
import { startMetricsServer, type RunningMetricsServer } from './metrics/metrics-server.js';
import { exitAfter, exitWhenFlushed } from './process-exit.js';
import { startServer, type RunningServer } from './server.js';

/** What shutdown may take beyond SHUTDOWN_TIMEOUT_MS (closing Piston and Redis clients, logs). */
const EXIT_GRACE_MS = 3000;

/** The composition root: the only place that reads process.env, listens and handles signals. */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger(config.LOG_LEVEL);
  for (const { key, message } of configWarnings(config, process.env)) {
    logger.warn({ key }, `${key}: ${message}`);
  }
  let gateway: Gateway;
  try {
    gateway = await createGateway(config, logger);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const { app, runtimes } = gateway;
  let running: RunningServer;
  try {
    running = await startServer(app, config, logger);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    exitAfter(EXIT_GRACE_MS, 1);
    await gateway.close();
    process.exit(1);
  }
  logger.info({ host: running.host, port: running.port }, 'gateway listening');
  let metricsServer: RunningMetricsServer | undefined;
  if (config.METRICS_PORT !== 'off') {
    try {
      metricsServer = await startMetricsServer({
        metrics: appMetrics(app),
        port: config.METRICS_PORT,
        host: config.HOST,
        logger,
      });
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      exitAfter(EXIT_GRACE_MS, 1);
      await running.shutdown();
      await gateway.close();
      process.exit(1);
    }
    logger.info({ port: metricsServer.port }, 'metrics listening');
  }

  // Warm the runtime cache so the first request and /health have a list; failure is not fatal.
  runtimes.refresh().then(
    (list) => {
      // The refresh read Piston's version too; a version outside 3.x was warned about.
      const { version } = runtimes.snapshot();
      logger.info({ runtimes: list.length, pistonVersion: version }, 'runtime list loaded');
    },
    (error: unknown) => logger.warn({ err: error }, 'Piston is not answering yet'),
  );

  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received');
    // SHUTDOWN_TIMEOUT_MS bounds shutdown whatever holds it, the log destination included.
    exitAfter(config.SHUTDOWN_TIMEOUT_MS + EXIT_GRACE_MS, 1);
    running
      .shutdown()
      .then(() => metricsServer?.close())
      .then(() => gateway.close())
      .then(
        () => exitWhenFlushed(logger, 0),
        () => exitWhenFlushed(logger, 1),
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
}

await main();
