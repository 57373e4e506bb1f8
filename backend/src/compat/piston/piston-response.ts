import { z } from 'zod';
import type { AppError } from '../../errors.js';
import type {
  PistonExecuteResponse,
  PistonRuntime,
  PistonStage,
} from '../../piston/piston-schemas.js';

/** One stage as Piston 3.1.1 reports it, in its key order. */
export const PistonCompatStageSchema = z.strictObject({
  signal: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  code: z.number().nullable(),
  output: z.string(),
  memory: z.number().nullable(),
  message: z.string().nullable(),
  status: z.string().nullable(),
  cpu_time: z.number().nullable(),
  wall_time: z.number().nullable(),
});
export type PistonCompatStage = z.infer<typeof PistonCompatStageSchema>;

/** The 200 body of the Piston-compatible `POST /api/v2/execute`. */
export const PistonCompatResponseSchema = z.strictObject({
  compile: PistonCompatStageSchema.optional(),
  run: PistonCompatStageSchema,
  language: z.string(),
  version: z.string(),
});
export type PistonCompatResponse = z.infer<typeof PistonCompatResponseSchema>;

/** One entry of the Piston-compatible `GET /api/v2/runtimes`. */
export const PistonCompatRuntimeSchema = z.strictObject({
  language: z.string(),
  version: z.string(),
  aliases: z.array(z.string()),
  runtime: z.string().optional(),
});

/** The error body of the Piston-compatible API: Piston clients read `message`. */
export const PistonCompatErrorSchema = z.strictObject({
  message: z.string().min(1),
  code: z.string().min(1),
  details: z.array(z.looseObject({ message: z.string() })).optional(),
  requestId: z.string().optional(),
});

/**
 * Piston's answer as Piston's clients expect it, field for field and in Piston's key order:
 * `message`, `status`, `cpu_time`, `wall_time` and `memory` as Piston reported them, `run` a
 * copy of `compile` when compilation failed (Piston sends it so), `compile` only when there was
 * one. Keys Piston may add later are not let through.
 */
export function toPistonAnswer(answer: PistonExecuteResponse): PistonCompatResponse {
  return {
    ...(answer.compile ? { compile: toPistonStage(answer.compile) } : {}),
    run: toPistonStage(answer.run),
    language: answer.language,
    version: answer.version,
  };
}

function toPistonStage(stage: PistonStage): PistonCompatStage {
  return {
    signal: stage.signal,
    stdout: stage.stdout,
    stderr: stage.stderr,
    code: stage.code,
    // Pistons before 3.1 sent no `output`: the two streams, as near as the gateway can tell.
    output: stage.output ?? stage.stdout + stage.stderr,
    memory: stage.memory ?? null,
    message: stage.message ?? null,
    status: stage.status ?? null,
    cpu_time: stage.cpu_time ?? null,
    wall_time: stage.wall_time ?? null,
  };
}

/** An installed runtime as Piston lists it (`runtime` only when the package names one). */
export function toPistonRuntime(runtime: PistonRuntime): z.infer<typeof PistonCompatRuntimeSchema> {
  return {
    language: runtime.language,
    version: runtime.version,
    aliases: runtime.aliases,
    ...(runtime.runtime !== undefined ? { runtime: runtime.runtime } : {}),
  };
}

/** The error body of the Piston-compatible API: `{message, code, details?, requestId}`. */
export function pistonErrorBody(
  error: AppError,
  requestId?: string,
): z.infer<typeof PistonCompatErrorSchema> {
  return {
    message: error.message,
    code: error.code,
    ...(error.details ? { details: error.details } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
