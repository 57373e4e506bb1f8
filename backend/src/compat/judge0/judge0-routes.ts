import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { Config } from '../../config.js';
import { NotFoundError } from '../../errors.js';
import type { ExecutionService } from '../../execution/execution-service.js';
import { jsonBody } from '../../middleware/json-body.js';
import { requireJson } from '../../middleware/require-json.js';
import type { RuntimeCache } from '../../runtimes/runtime-cache.js';
import { createRouter } from '../../routes/create-router.js';
import type { SubmissionQueue, SubmissionStore } from '../../submissions/types.js';
import { guardQueue, guardStore } from '../../submissions/unavailable.js';
import { aboutBody, configInfoBody } from './info.js';
import { judge0Language, judge0Languages } from './languages.js';
import { JUDGE0_STATUSES } from './statuses.js';
import { JUDGE0_ROUTE_DOCS } from './judge0-route-docs.js';
import { createSubmissionCreator, type Charge } from './create-submission.js';
import { parseFields, renderSubmission } from './submission-view.js';
import { extensionFor } from '../../execution/file-names.js';

/** What the Judge0-compatible routes need. */
export interface Judge0RouterDeps {
  config: Config;
  runtimes: RuntimeCache;
  execution: ExecutionService;
  store: SubmissionStore;
  queue: SubmissionQueue;
  /** Callbacks can be delivered; without, a callback_url is a 422 as Judge0 answers it. */
  callbacks: boolean;
  /** Counts accepted submissions against the caller's execution rate limit (429 beyond it). */
  charge: Charge;
  newToken?: () => string;
  now?: () => Date;
}

/** `fields` for a request, or a 400 `{error: "invalid fields: [...]"}` as Judge0 answers. */
function fieldsOrRefuse(req: Request, res: Response): string[] | undefined {
  const parsed = parseFields(req.query.fields);
  if ('fields' in parsed) return parsed.fields;
  res.status(400).json({ error: `invalid fields: [${parsed.invalid.join(', ')}]` });
  return undefined;
}

const isTrue = (value: unknown) => value === 'true';

/**
 * The Judge0 CE 1.13.1-compatible API (issue #18), mounted at `/judge0`: languages, statuses,
 * about, config_info, and submissions (single and batch) run through the submission queue.
 */
export function createJudge0Router(deps: Judge0RouterDeps): Router {
  const router = createRouter(JUDGE0_ROUTE_DOCS);
  const { config } = deps;
  // A failing store or queue (Redis) answers 503 queue_unavailable, not 500.
  const store = guardStore(deps.store);
  const create = createSubmissionCreator({
    ...deps,
    store,
    queue: guardQueue(deps.queue),
    newToken: deps.newToken ?? randomUUID,
    now: deps.now ?? (() => new Date()),
  });
  const body: RequestHandler[] = [requireJson(), jsonBody({ limit: config.BODY_LIMIT })];

  router.get('/languages', async (_req, res) => {
    res.json(judge0Languages(await deps.runtimes.get()).map(({ id, name }) => ({ id, name })));
  });
  router.get('/languages/:id', async (req, res) => {
    const id = Number(req.params.id);
    const language = Number.isInteger(id)
      ? judge0Language(id, await deps.runtimes.get())
      : undefined;
    if (!language) throw new NotFoundError(`No language with id ${req.params.id}`);
    res.json({
      id: language.id,
      name: language.name,
      is_archived: false,
      source_file: `main.${extensionFor(language.runtime.language)}`,
      // Piston's package scripts compile and run; Judge0's clients only show these.
      compile_cmd: null,
      run_cmd: `piston ${language.runtime.language} ${language.runtime.version}`,
    });
  });
  router.get('/statuses', (_req, res) => {
    res.json(JUDGE0_STATUSES);
  });
  router.get('/about', (_req, res) => {
    res.json(aboutBody());
  });
  router.get('/config_info', (_req, res) => {
    res.json(configInfoBody(config, deps.callbacks));
  });

  router.post('/submissions/batch', ...body, async (req, res) => {
    const answer = await create.batch(req, res);
    res.status(answer.status).json(answer.body);
  });
  router.get('/submissions/batch', async (req, res) => {
    const fields = fieldsOrRefuse(req, res);
    if (!fields) return;
    const raw = typeof req.query.tokens === 'string' ? req.query.tokens : '';
    const tokens = raw.trim() === '' ? [] : raw.trim().split(',', config.MAX_BATCH_SIZE + 1);
    if (tokens.length === 0) {
      res.status(400).json({ error: 'there should be at least one submission in a batch' });
      return;
    }
    if (tokens.length > config.MAX_BATCH_SIZE) {
      res.status(400).json({
        error: `number of submissions in a batch should be less than or equal to ${config.MAX_BATCH_SIZE}`,
      });
      return;
    }
    const base64 = isTrue(req.query.base64_encoded);
    const found = await store.getMany(tokens.map((token) => token.trim()));
    res.json({
      submissions: found.map((submission) =>
        submission ? renderSubmission(submission, { fields, base64 }) : null,
      ),
    });
  });

  router.post('/submissions', ...body, async (req, res) => {
    const fields = fieldsOrRefuse(req, res);
    if (!fields) return;
    const answer = await create.single(req, res, fields);
    res.status(answer.status).json(answer.body);
  });
  router.get('/submissions/:token', async (req, res) => {
    const fields = fieldsOrRefuse(req, res);
    if (!fields) return;
    const submission = await store.get(req.params.token);
    if (!submission) throw new NotFoundError('No submission with this token');
    res.json(renderSubmission(submission, { fields, base64: isTrue(req.query.base64_encoded) }));
  });

  return router;
}
