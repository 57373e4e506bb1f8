import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createGateway, type Gateway } from './gateway.js';
import { createLogger } from './logger.js';
import { startServer, type RunningServer } from './server.js';

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
    await gateway.close();
    process.exit(1);
  }
  logger.info({ port: running.port }, 'gateway listening');

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
    running
      .shutdown()
      .then(() => gateway.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
}

await main();
