import { z } from 'zod';

/** One installed runtime as `GET /api/v2/runtimes` lists it. */
export const PistonRuntimeSchema = z.object({
  language: z.string().min(1),
  version: z.string().min(1),
  aliases: z.array(z.string()).default([]),
  runtime: z.string().optional(),
});
export type PistonRuntime = z.infer<typeof PistonRuntimeSchema>;

export const PistonRuntimeListSchema = z.array(PistonRuntimeSchema);

/** One stage (compile or run) of a Piston job. Older Pistons omit the resource fields. */
export const PistonStageSchema = z.object({
  stdout: z.string(),
  stderr: z.string(),
  output: z.string().optional(),
  code: z.number().nullable(),
  signal: z.string().nullable(),
  message: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
  cpu_time: z.number().nullable().optional(),
  wall_time: z.number().nullable().optional(),
  memory: z.number().nullable().optional(),
});
export type PistonStage = z.infer<typeof PistonStageSchema>;

/** The body of a 200 answer to `POST /api/v2/execute`. */
export const PistonExecuteResponseSchema = z.object({
  language: z.string(),
  version: z.string(),
  compile: PistonStageSchema.optional(),
  run: PistonStageSchema,
});
export type PistonExecuteResponse = z.infer<typeof PistonExecuteResponseSchema>;

/** Piston's answer to `GET /` (its root, not the API's): `{"message":"Piston v3.1.1"}`. */
export const PistonRootSchema = z.object({ message: z.string().max(200) });

/** Piston's error body (`{ message }`) for 4xx answers. */
export const PistonErrorBodySchema = z.object({ message: z.string() });

/** The body the gateway sends to `POST /api/v2/execute`. */
export interface PistonExecuteRequest {
  language: string;
  version: string;
  files: { name: string; content: string; encoding?: 'utf8' | 'base64' | 'hex' }[];
  stdin: string;
  args: string[];
  compile_timeout: number;
  run_timeout: number;
  compile_cpu_time: number;
  run_cpu_time: number;
  compile_memory_limit: number;
  run_memory_limit: number;
}
