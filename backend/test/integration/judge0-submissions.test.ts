import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/build-test-app.js';
import { finishedSubmission } from '../support/judge0.js';

const app = useTestApps();
const PY = 71;

async function create(t: { app: Parameters<typeof request>[0] }, body: object, query = '') {
  return request(t.app).post(`/judge0/submissions${query}`).send(body);
}

describe('POST /judge0/submissions', () => {
  it('when a submission is accepted, then it runs on Piston with the gateway limits and reads back with fields=*', async () => {
    const t = await app({}, { stdoutByProgram: { 'print(1)': '1\n' } });
    const created = await create(t, { source_code: 'print(1)', language_id: PY, stdin: 'x' });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body as object)).toEqual(['token']);
    const body = await finishedSubmission(t.app, (created.body as { token: string }).token);
    expect(body.status).toEqual({ id: 3, description: 'Accepted' });
    expect(body.stdout).toBe('1\n');
    expect(body.language).toEqual({ id: 71, name: 'Python (3.11.2)' });
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(body.finished_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(body.cpu_time_limit).toBe('3.0');
    expect(body.memory_limit).toBe(125000);
    // `*` is Judge0's field set: the gateway's extras only by name.
    expect(Object.keys(body)).toHaveLength(35);
    expect(body).not.toHaveProperty('callback');
    const sent = t.fake.lastExecuteBody();
    expect(sent).toMatchObject({ language: 'python', version: '3.11.2', stdin: 'x' });
  });

  it('when limits above the gateway (within Judge0 bounds) are sent, then they are clamped, and Piston gets them', async () => {
    const t = await app({ RUN_TIMEOUT_MS: '1000', MAX_RUN_TIMEOUT_MS: '2000' });
    const created = await create(t, {
      source_code: 'print(2)',
      language_id: PY,
      cpu_time_limit: 10,
      wall_time_limit: '1.5',
      memory_limit: 64000,
    });
    expect(created.status).toBe(201);
    const body = await finishedSubmission(t.app, (created.body as { token: string }).token);
    expect(body.cpu_time_limit).toBe('2.0');
    expect(body.wall_time_limit).toBe('1.5');
    expect(body.memory_limit).toBe(64000);
    expect(t.fake.lastExecuteBody()).toMatchObject({
      run_cpu_time: 2000,
      run_timeout: 1500,
      run_memory_limit: 64000 * 1024,
    });
  });

  it('when base64_encoded=true, then source, stdin and expected_output are decoded and outputs encoded as Judge0 does', async () => {
    const t = await app({}, { stdoutByProgram: { 'print("hé")': 'hé\n' } });
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const created = await create(
      t,
      { source_code: b64('print("hé")'), language_id: PY, expected_output: b64('hé') },
      '?base64_encoded=true',
    );
    expect(created.status).toBe(201);
    const token = (created.body as { token: string }).token;
    await finishedSubmission(t.app, token);
    const res = await request(t.app).get(
      `/judge0/submissions/${token}?base64_encoded=true&fields=stdout,source_code,status`,
    );
    expect(res.body).toEqual({
      stdout: `${b64('hé\n')}\n`,
      source_code: `${b64('print("hé")')}\n`,
      status: { id: 3, description: 'Accepted' },
    });
  });

  it('when expected_output differs beyond trailing whitespace, then the status is 4 Wrong Answer', async () => {
    const t = await app({}, { stdoutByProgram: { 'print(3)': '3 \r\n\n' } });
    const good = await create(t, {
      source_code: 'print(3)',
      language_id: PY,
      expected_output: '3',
    });
    const bad = await create(t, { source_code: 'print(3)', language_id: PY, expected_output: '4' });
    const goodBody = await finishedSubmission(t.app, (good.body as { token: string }).token);
    const badBody = await finishedSubmission(t.app, (bad.body as { token: string }).token);
    expect(goodBody.status).toEqual({ id: 3, description: 'Accepted' });
    expect(badBody.status).toEqual({ id: 4, description: 'Wrong Answer' });
  });

  it('when empty strings and null are sent for optional fields, then they mean "not set" (as Judge0 IDE sends them)', async () => {
    const t = await app();
    const res = await create(t, {
      source_code: 'print(1)',
      language_id: PY,
      compiler_options: '',
      command_line_arguments: '',
      stdin: null,
      expected_output: '',
      callback_url: null,
      redirect_stderr_to_stdout: true,
    });
    expect(res.status).toBe(201);
  });

  it.each([
    ['compiler_options', '-O2', 'setting compiler options is not allowed'],
    ['additional_files', 'UEsDBA==', 'setting additional files is not allowed'],
    ['enable_network', true, 'enabling network is not allowed'],
    ['stack_limit', 128000, 'leave it unset'],
    ['enable_per_process_and_thread_time_limit', true, 'this option cannot be enabled'],
  ])(
    'when %s is set to a value Piston cannot honour, then it is a 422 naming the field',
    async (field, value, message) => {
      const t = await app();
      const res = await create(t, { source_code: 'x', language_id: PY, [field]: value });
      expect(res.status).toBe(422);
      expect((res.body as Record<string, string[]>)[field]?.[0]).toContain(message);
    },
  );

  it('when the default value of an unsupported field is sent, then it is accepted', async () => {
    const t = await app();
    const res = await create(t, {
      source_code: 'x',
      language_id: PY,
      enable_network: false,
      stack_limit: 64000,
      max_file_size: '1024',
    });
    expect(res.status).toBe(201);
  });

  it('when wrong types are sent, then each field is named with Judge0 messages', async () => {
    const t = await app();
    const res = await create(t, {
      source_code: 5,
      language_id: 'python',
      number_of_runs: 0,
      memory_limit: 100,
      redirect_stderr_to_stdout: 'maybe',
      callback_url: 'ftp://example.com/x',
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      source_code: ['must be a string'],
      language_id: ['is not a number'],
      number_of_runs: ['must be greater than 0'],
      memory_limit: ['must be greater than or equal to 2048'],
      redirect_stderr_to_stdout: ['is not a boolean'],
      callback_url: ['must be an http or https URL'],
    });
  });

  it('when the source is larger than MAX_CODE_BYTES, then the native size rule refuses it as a 422 on source_code', async () => {
    const t = await app({ MAX_CODE_BYTES: '10' });
    const res = await create(t, { source_code: 'print(12345678)', language_id: PY });
    expect(res.status).toBe(422);
    expect((res.body as Record<string, string[]>).source_code?.[0]).toContain('larger than 10');
    expect(t.fake.executeCalls()).toHaveLength(0);
  });

  it('when command_line_arguments are sent, then Piston receives them split as a shell would', async () => {
    const t = await app();
    const created = await create(t, {
      source_code: 'print(1)',
      language_id: PY,
      command_line_arguments: `a "b c" 'd e' f\\ g`,
    });
    await finishedSubmission(t.app, (created.body as { token: string }).token);
    expect(t.fake.lastExecuteBody().args).toEqual(['a', 'b c', 'd e', 'f g']);
  });

  it('when number_of_runs is 3, then Piston runs it three times', async () => {
    const t = await app();
    const created = await create(t, {
      source_code: 'print(9)',
      language_id: PY,
      number_of_runs: 3,
    });
    const body = await finishedSubmission(t.app, (created.body as { token: string }).token);
    expect(t.fake.executeCalls()).toHaveLength(3);
    expect(body.number_of_runs).toBe(3);
    expect(body.time).toBe('0.001');
  });

  it('when fields names an unknown field, then it is a 400 as Judge0 answers it', async () => {
    const t = await app();
    const res = await create(t, { source_code: 'x', language_id: PY }, '?fields=stdout,nope,bad');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid fields: [nope, bad]' });
  });

  it('when the queue holds MAX_SUBMISSION_QUEUE submissions, then the next is 503 queue is full', async () => {
    const t = await app({ MAX_SUBMISSION_QUEUE: '1', MAX_CONCURRENT_EXECUTIONS: '1' });
    t.fake.behave('execute', { kind: 'hang' });
    const first = await create(t, { source_code: 'a', language_id: PY });
    expect(first.status).toBe(201);
    // The first is running (hung at Piston); the second waits; the third finds the queue full.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await create(t, { source_code: 'b', language_id: PY });
    expect(second.status).toBe(201);
    const third = await create(t, { source_code: 'c', language_id: PY });
    expect(third.status).toBe(503);
    expect(third.body).toEqual({ error: 'queue is full' });
    // The hung job ends (as an Internal Error) so the app can close.
    t.fake.behave('execute', undefined);
    t.fake.dropConnections();
  });
});

describe('GET /judge0/submissions/:token', () => {
  it('when the token is unknown, then it is a 404', async () => {
    const t = await app();
    const res = await request(t.app).get('/judge0/submissions/no-such-token');
    expect(res.status).toBe(404);
  });

  it('when the submission is still queued, then its status is 1 In Queue', async () => {
    const t = await app({ MAX_CONCURRENT_EXECUTIONS: '1' });
    t.fake.behave('execute', { kind: 'hang' });
    await create(t, { source_code: 'a', language_id: PY });
    const second = await create(t, { source_code: 'b', language_id: PY });
    const res = await request(t.app).get(
      `/judge0/submissions/${(second.body as { token: string }).token}?fields=status,finished_at,stdout`,
    );
    expect(res.body).toEqual({
      status: { id: 1, description: 'In Queue' },
      finished_at: null,
      stdout: null,
    });
    t.fake.behave('execute', undefined);
    t.fake.dropConnections();
  });
});

describe('batches', () => {
  it('when a batch is larger than MAX_BATCH_SIZE, then it is a 400 with Judge0 message', async () => {
    const t = await app({ MAX_BATCH_SIZE: '2' });
    const item = { source_code: 'x', language_id: PY };
    const res = await request(t.app)
      .post('/judge0/submissions/batch')
      .send({ submissions: [item, item, item] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'number of submissions in a batch should be less than or equal to 2',
    });
  });

  it('when every item of a batch is invalid, then it is a 422 with each item errors', async () => {
    const t = await app();
    const res = await request(t.app)
      .post('/judge0/submissions/batch')
      .send({ submissions: [{ language_id: PY }, { source_code: 'x' }] });
    expect(res.status).toBe(422);
    expect(res.body).toEqual([
      { source_code: ["can't be blank"] },
      { language_id: ["can't be blank"] },
    ]);
  });

  it('when a batch is read with an unknown token, then that entry is null', async () => {
    const t = await app();
    const created = await create(t, { source_code: 'x', language_id: PY });
    const token = (created.body as { token: string }).token;
    const res = await request(t.app).get(
      `/judge0/submissions/batch?tokens=${token},nope&fields=token`,
    );
    expect(res.body).toEqual({ submissions: [{ token }, null] });
  });
});

describe('GET /judge0/languages', () => {
  it('when runtimes are installed, then each known one is listed under its Judge0 id with its version', async () => {
    const t = await app();
    const res = await request(t.app).get('/judge0/languages');
    expect(res.body).toEqual([
      { id: 46, name: 'Bash (5.2.15)' },
      { id: 50, name: 'C (GCC 12.2.0)' },
      { id: 54, name: 'C++ (GCC 12.2.0)' },
      { id: 62, name: 'Java (OpenJDK 17.0.15)' },
      { id: 63, name: 'JavaScript (Node.js 20.20.2)' },
      { id: 71, name: 'Python (3.11.2)' },
      { id: 82, name: 'SQL (SQLite 3.40.1)' },
    ]);
  });

  it('when an id is not installed or unknown, then it is a 404', async () => {
    const t = await app();
    expect((await request(t.app).get('/judge0/languages/70')).status).toBe(404);
    expect((await request(t.app).get('/judge0/languages/abc')).status).toBe(404);
  });
});
