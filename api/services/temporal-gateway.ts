/**
 * The API's way to Temporal: starting a case's workflow on the deployment's task queue, its
 * updates (actions) and queries — each within the request's deadline, and each failure in the
 * contract's terms: a refusal by the workflow's validator (an ApplicationFailure typed
 * not_found, forbidden, invalid_state or validation_failed, its `messageZh` in the details)
 * becomes that error; a workflow that has ended or never existed is `CaseEnded` for the service
 * to judge (404 or 409); Temporal not answering in time is left to the error handler (503).
 *
 * In the API's services, not in lib/: both policies — how long a request waits, and which
 * failure is which HTTP error — are the HTTP API's. The worker talks to Temporal through its
 * activities' context and the CLI scripts without a request's deadline.
 */
import {
  WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError,
  type Client, type WorkflowStartOptions,
} from '@temporalio/client';
import { ApplicationFailure, type QueryDefinition, type UpdateDefinition, type Workflow, type WorkflowIdConflictPolicy } from '@temporalio/common';
import { HttpError, type ErrorCode } from '../errors';

/** How long an API call waits on Temporal (a worker or the server down) before answering 503. */
const TEMPORAL_DEADLINE_MS = 20_000;

const FAILURE_CODES: Record<string, ErrorCode> = {
  not_found: 'not_found', forbidden: 'forbidden', invalid_state: 'invalid_state', validation_failed: 'validation_failed',
};

/** The case's workflow has ended (closed, withdrawn, merged, cancelled …) or never existed. */
export class CaseEnded extends Error {
  constructor(readonly workflowId: string) {
    super(`workflow ${workflowId} has ended or does not exist`);
    this.name = 'CaseEnded';
  }
}

function hasEnded(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return true;
  const text = `${String((err as Error)?.message ?? '')} ${String((err as { cause?: Error })?.cause?.message ?? '')}`;
  return /already completed/i.test(text);
}

/** A refusal by the workflow's update validator as the contract's error, or undefined for any other failure. */
function refusalOf(err: unknown): HttpError | undefined {
  if (!(err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)) return undefined;
  const code = FAILURE_CODES[err.cause.type ?? ''];
  if (!code) return undefined;
  const zh = (err.cause.details?.[0] as { messageZh?: unknown } | undefined)?.messageZh;
  return new HttpError(code, err.cause.message, typeof zh === 'string' ? zh : undefined);
}

export type StartOptions<W extends Workflow> = Omit<WorkflowStartOptions<W>, 'taskQueue'>;

export class TemporalGateway {
  constructor(
    private readonly client: Client,
    /** The deployment's task queue (TEMPORAL_TASK_QUEUE): its worker runs the cases this API starts. */
    readonly taskQueue: string,
    private readonly deadlineMs = TEMPORAL_DEADLINE_MS,
  ) {}

  private within<T>(fn: () => Promise<T>): Promise<T> {
    return this.client.withDeadline(Date.now() + this.deadlineMs, fn);
  }

  /** Starts a workflow; false when one with its id exists already (an id used before: a retry). */
  async start<W extends Workflow>(workflowType: string, options: StartOptions<W>): Promise<boolean> {
    try {
      await this.within(() => this.client.workflow.start<W>(workflowType, { ...options, taskQueue: this.taskQueue } as WorkflowStartOptions<W>));
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw err;
    }
  }

  /**
   * An update sent with the start of its workflow (started unless it runs already); its answer.
   * `exists` when the workflow with that id has ended already (the same id used before).
   */
  async updateWithStart<W extends Workflow, R, A extends [unknown, ...unknown[]]>(update: UpdateDefinition<R, A>, args: A, workflowType: string,
    options: StartOptions<W> & { workflowIdConflictPolicy: WorkflowIdConflictPolicy }): Promise<R | 'exists'> {
    const startWorkflowOperation = new WithStartWorkflowOperation<W>(workflowType,
      { ...options, taskQueue: this.taskQueue } as WorkflowStartOptions<W> & { workflowIdConflictPolicy: WorkflowIdConflictPolicy });
    try {
      return await this.within(() => this.client.workflow.executeUpdateWithStart(update, { args, startWorkflowOperation }));
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'exists';
      throw err;
    }
  }

  /**
   * An update of a running workflow, by name; its answer. `updateId` makes a retried update meet
   * the first one's outcome. A refusal of its validator is thrown as the contract's error; an
   * ended or unknown workflow as CaseEnded.
   */
  async update<R, A extends [unknown, ...unknown[]]>(workflowId: string, update: string, args: A, updateId?: string): Promise<R> {
    try {
      return await this.within(() => this.client.workflow.getHandle(workflowId).executeUpdate<R, A>(update, {
        args, ...(updateId ? { updateId } : {}),
      }));
    } catch (err) {
      if (hasEnded(err)) throw new CaseEnded(workflowId);
      throw refusalOf(err) ?? err;
    }
  }

  /** The Temporal server answers (readiness); no request deadline: the caller sets its own. */
  async ping(): Promise<void> {
    await this.client.connection.workflowService.getSystemInfo({});
  }

  /** A query's answer; null when no such workflow exists. */
  async query<R>(workflowId: string, query: QueryDefinition<R>): Promise<R | null> {
    try {
      return await this.within(() => this.client.workflow.getHandle(workflowId).query(query));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }
}
