import { config as loadDotenv } from 'dotenv';
import type { Logger } from 'pino';
import { appMetrics } from './app.js';
import { ConfigError, configWarnings, loadConfig, type Config } from './config.js';
import { createGateway, type Gateway } from './gateway.js';
import { createLogger } from './logger.js';
import { startMetricsServer, type RunningMetricsServer } from './metrics/metrics-server.js';
import { exitAfter, exitWhenFlushed } from './process-exit.js';
import { startServer } from './server.js';

/** What shutdown may take beyond SHUTDOWN_TIMEOUT_MS (closing Piston and Redis clients, logs). */
const EXIT_GRACE_MS = 3000;

/** Reads the settings (and .env), or ends the process naming every bad key. */
function configOrExit(): Config {
  loadDotenv({ quiet: true });
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Ends a start-up that failed half-way: says why, releases what started, exits 1 (bounded). */
async function failStart(error: unknown, release: () => Promise<void>): Promise<never> {
  process.stderr.write(`${(error as Error).message}\n`);
  exitAfter(EXIT_GRACE_MS, 1);
  await release();
  process.exit(1);
}

/** Starts the metrics listener unless METRICS_PORT is off. */
async function startMetrics(
  config: Config,
  gateway: Gateway,
  logger: Logger,
): Promise<RunningMetricsServer | undefined> {
  if (config.METRICS_PORT === 'off') return undefined;
  const metricsServer = await startMetricsServer({
    metrics: appMetrics(gateway.app),
    port: config.METRICS_PORT,
    host: config.HOST,
    logger,
  });
  logger.info({ port: metricsServer.port }, 'metrics listening');
  return metricsServer;
}

/** The composition root: the only place that reads process.env, listens and handles signals. */
async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  for (const { key, message } of configWarnings(config, process.env)) {
    logger.warn({ key }, `${key}: ${message}`);
  }
  const gateway = await createGateway(config, logger).catch((error: unknown) =>
    failStart(error, () => Promise.resolve()),
  );
  const running = await startServer(gateway.app, config, logger).catch((error: unknown) =>
    failStart(error, () => gateway.close()),
  );
  logger.info({ host: running.host, port: running.port }, 'gateway listening');
  const metricsServer = await startMetrics(config, gateway, logger).catch((error: unknown) =>
    failStart(error, () => running.shutdown().then(() => gateway.close())),
  );

  // Warm the runtime cache so the first request and /health have a list; failure is not fatal.
  const { runtimes } = gateway;
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
