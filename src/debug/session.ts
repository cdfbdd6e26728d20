// The Debug Adapter Protocol session for type `heapstep`. It maps requests to the runtime and
// runtime happenings to DAP events; each feature's handlers live in their own file. Knows
// nothing of VS Code: it runs inline in the extension and as dist/debugAdapter.js over stdio.
import { InitializedEvent, LoggingDebugSession, OutputEvent, Response, StoppedEvent, TerminatedEvent, ExitedEvent, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { formatDiagnostic } from '../lang/index';
import { HeapStepRuntime, type FileAccessor, type StopDetail, type StopKind } from './runtime';
import { outputEvent, stoppedEvent } from './breakpoints';
import { DATA_BREAKPOINT_MODES } from './data-breakpoints';
import { launchOverrides, type LaunchArgs } from './launch-args';
import { stackTrace } from './stack';
import { GeneratedSources } from './generated-source';
import { requestProblem } from './request-check';
import { glibcEvaluate, glibcScopes, glibcVariables, isGlibcFrame, isGlibcVariables } from './glibc-frames';
import { scopes, variables, VariableStore } from './variables';
import { evaluate } from './evaluate';
import { ConsoleContext } from './console/context';
import { completions } from './console/completions';
import { setExpression, setVariable } from './set-variable';
import { RunProgress } from './progress';
import { readMemory, writeMemory } from './memory';
import { EXCEPTION_FILTERS } from './exceptions';
import { exceptionInfo } from './exception-info';
import { BreakpointMemory } from './restart';
import { stateRequest } from './state-request';
import { STATE_REQUEST, TRAVEL_REQUEST } from '../protocol/state';
import { travelStep } from './travel';
import { EXPLAIN_REQUEST } from '../protocol/explain';
import { explainRequest, recordForExplain } from './explain';

export const THREAD_ID = 1;

export class HeapStepSession extends LoggingDebugSession {
  readonly runtime: HeapStepRuntime;
  readonly store = new VariableStore();
  readonly sources = new GeneratedSources();
  readonly console: ConsoleContext;
  readonly progress: RunProgress;
  private configured!: Promise<void>;
  private markConfigured!: () => void;
  private stopOnEntry = false;
  private launchArgs: LaunchArgs | null = null;
  private readonly kept = new BreakpointMemory();

  constructor(files: FileAccessor) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.configured = new Promise((r) => { this.markConfigured = r; });
    this.runtime = new HeapStepRuntime(files, {
      stopped: (kind: StopKind, text?: string, detail?: StopDetail) => {
        this.progress.end();
        this.store.reset();
        this.sendEvent(stoppedEvent(kind, THREAD_ID, text, detail));
      },
      output: (text, category, line) => this.sendEvent(outputEvent(text, category, this.runtime.path, line)),
      event: (e) => recordForExplain(this.runtime, e),
      exited: (status) => { this.progress.end(); this.sendEvent(new ExitedEvent(status)); this.end(); },
    });
    this.console = new ConsoleContext(this.runtime, this.store, (e) => this.sendEvent(e));
    this.progress = new RunProgress((e) => this.sendEvent(e), () => this.runtime.scenario?.interp.steps ?? 0);
  }

  // Arguments missing or of the wrong type are answered here, in words, before any handler.
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const problem = requestProblem(request);
    if (problem) { this.sendErrorResponse(new Response(request), { id: 1002, format: problem, showUser: true }); return; }
    super.dispatchRequest(request);
  }

  // Every handler answers, even when it fails: @vscode/debugadapter only catches synchronous
  // throws, and an unanswered request leaves the client waiting forever.
  private guard<T extends DebugProtocol.Response>(response: T, work: () => void | Promise<void>): void {
    Promise.resolve().then(work).catch((e: unknown) => {
      this.sendErrorResponse(response, { id: 1001, format: String((e as Error)?.message ?? e), showUser: true });
    });
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.console.client = args;
    this.progress.enabled = !!args.supportsProgressReporting;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsEvaluateForHovers: true,
      supportsTerminateRequest: true,
      supportsExceptionInfoRequest: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      breakpointModes: DATA_BREAKPOINT_MODES,
      supportsStepBack: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsCompletionsRequest: true,
      completionTriggerCharacters: ['.', '>'],
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsClipboardContext: true,
      supportsCancelRequest: true,
      supportsRestartRequest: true,
    };
    this.sendResponse(response);
    // `initialized` comes after launch has loaded the program, so breakpoints can be placed on
    // its statements as soon as the client sends them
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.markConfigured();
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, launchArgs: LaunchArgs): void {
    this.guard(response, async () => {
      const args = launchArgs ?? ({} as LaunchArgs);   // (a client may send no arguments at all)
      try {
        if (!args.program) throw new Error('launch: "program" (a .heap file) is required');
        const overrides = launchOverrides(args);
        const diags = await this.runtime.load(args.program, overrides).catch((e: NodeJS.ErrnoException) => {
          throw new Error(`launch: cannot read "${args.program}": ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
        });
        if (diags) {
          for (const d of diags) this.sendEvent(new OutputEvent(formatDiagnostic(d) + '\n', 'stderr'));
          throw new Error(`${args.program} has ${diags.length} error${diags.length === 1 ? '' : 's'}; nothing runs (see the Debug Console)`);
        }
      } catch (e) {
        // nothing to debug: say why, then end the session
        this.sendErrorResponse(response, { id: 1001, format: (e as Error).message, showUser: true });
        this.end();
        return;
      }
      this.stopOnEntry = !!args.stopOnEntry;
      this.launchArgs = args;
      this.sendEvent(new InitializedEvent());
      this.sendResponse(response);
      await this.configured;
      if (this.stopOnEntry) this.sendEvent(new StoppedEvent('entry', THREAD_ID));
      else { this.progress.start('Running'); this.runtime.continue(); }
    });
  }

  // The same program, read again, on a fresh machine; the breakpoints stay. VS Code sends the
  // latest launch configuration along, whose machine options then apply.
  protected override restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): void {
    this.guard(response, async () => {
      if (this.ended || !this.launchArgs) throw new Error('restart: no program is running (launch one first)');
      const next = { ...this.launchArgs, ...(args?.arguments as LaunchArgs | undefined), program: this.launchArgs.program };
      const diags = await this.runtime.reload(launchOverrides(next)).catch((e: NodeJS.ErrnoException) => {
        throw new Error(e.code === 'ENOENT' ? `restart: cannot read "${next.program}": no such file` : e.message);
      });
      if (diags) {
        for (const d of diags) this.sendEvent(new OutputEvent(formatDiagnostic(d) + '\n', 'stderr'));
        throw new Error(`${next.program} has ${diags.length} error${diags.length === 1 ? '' : 's'}; the program was not restarted (see the Debug Console)`);
      }
      this.launchArgs = next;
      this.stopOnEntry = !!next.stopOnEntry;
      this.store.reset();
      this.kept.reapply(this.runtime.breakpoints);
      this.sendResponse(response);
      if (this.stopOnEntry) this.sendEvent(new StoppedEvent('entry', THREAD_ID));
      else { this.progress.start('Running'); this.runtime.continue(); }
    });
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    this.guard(response, () => { response.body = { breakpoints: this.kept.setLines(this.runtime.breakpoints, args.source, args.breakpoints ?? []) }; this.sendResponse(response); });
  }
  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.guard(response, () => { response.body = { breakpoints: this.kept.setFunctions(this.runtime.breakpoints, args.breakpoints) }; this.sendResponse(response); });
  }
  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    this.guard(response, () => { response.body = this.runtime.breakpoints.dataInfo(this.store, args); this.sendResponse(response); });
  }
  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    this.guard(response, () => { response.body = { breakpoints: this.kept.setData(this.runtime.breakpoints, args.breakpoints) }; this.sendResponse(response); });
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.guard(response, () => {
      if (!Array.isArray(args?.filters)) throw new Error('setExceptionBreakpoints: "filters" must be a list of filter ids');
      this.runtime.exceptionFilters = new Set(args.filters);
      this.sendResponse(response);
    });
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, 'main')] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    this.guard(response, () => { response.body = stackTrace(this.runtime, args, this.sources); this.sendResponse(response); });
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.guard(response, () => {
      // a glibc frame: its recorded locals, then the scenario's scopes but its locals
      const glibc = isGlibcFrame(args.frameId) ? glibcScopes(this.runtime.glibcPath, args.frameId) : null;
      const own = scopes(this.runtime, this.store, glibc ? (this.runtime.scenario?.interp.frames.length ?? 1) - 1 : args.frameId);
      response.body = { scopes: glibc ? [...glibc, ...own.filter((s) => s.name !== 'Locals')] : own };
      this.sendResponse(response);
    });
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.guard(response, () => {
      response.body = { variables: isGlibcVariables(args.variablesReference) ? glibcVariables(this.runtime.glibcPath, args.variablesReference) : variables(this.runtime, this.store, args) };
      this.sendResponse(response);
    });
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    this.guard(response, () => { response.body = this.sources.request(args); this.sendResponse(response); });
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.guard(response, () => { response.body = glibcEvaluate(this.runtime.glibcPath, args.frameId, args.expression) ?? evaluate(this.console, args); this.sendResponse(response); });
  }
  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    this.guard(response, () => { response.body = { targets: completions(this.console, args) }; this.sendResponse(response); });
  }
  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.guard(response, () => { response.body = setVariable(this.console, args); this.sendResponse(response); });
  }
  protected override setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
    this.guard(response, () => { response.body = setExpression(this.console, args); this.sendResponse(response); });
  }
  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments): void {
    if (this.progress.cancels(args?.progressId)) this.runtime.pause();
    this.sendResponse(response);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    this.guard(response, () => { response.body = readMemory(this.runtime, args); this.sendResponse(response); });
  }
  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    this.guard(response, () => {
      response.body = writeMemory(this.runtime, args);
      this.sendResponse(response);
      this.sendEvent({ event: 'invalidated', seq: 0, type: 'event', body: { areas: ['variables'] } } as DebugProtocol.InvalidatedEvent);
    });
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === STATE_REQUEST) return this.guard(response, () => { response.body = stateRequest(this.runtime, args as { address?: number }); this.sendResponse(response); });
    if (command === EXPLAIN_REQUEST) return this.guard(response, () => { response.body = explainRequest(this.runtime, this.sources, args); this.sendResponse(response); });
    if (command === TRAVEL_REQUEST) {
      return this.guard(response, () => {
        const step = travelStep(args);
        if (this.runtime.busy) throw new Error('heapstep/travel: pause the program first');
        this.control(response, () => this.runtime.travelTo(step));
      });
    }
    super.customRequest(command, response, args);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const it = this.runtime.scenario?.interp;
    response.body = exceptionInfo({ text: this.runtime.exceptionText, event: this.runtime.stopEvent, frames: it?.frames ?? [], line: it?.loc.line ?? 0 });
    this.sendResponse(response);
  }

  // Running and stepping need a program that is loaded and has not ended: otherwise no stop
  // would ever follow the response, and the client would wait for one.
  private control<T extends DebugProtocol.Response>(response: T, act: () => void): void {
    this.guard(response, () => {
      if (this.ended) throw new Error('the program has ended; start a new debug session to run it again');
      if (!this.runtime.scenario) throw new Error('no program is running (launch one first)');
      this.sendResponse(response);
      act();
    });
  }
  private ended = false;
  private end(): void {
    this.runtime.terminate();
    if (!this.ended) { this.ended = true; this.sendEvent(new TerminatedEvent()); }
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.control(response, () => { this.progress.start('Running'); this.runtime.continue(); });
  }
  protected override nextRequest(response: DebugProtocol.NextResponse): void { this.control(response, () => this.runtime.next()); }
  protected override stepInRequest(response: DebugProtocol.StepInResponse): void { this.control(response, () => this.runtime.stepIn()); }
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void { this.control(response, () => this.runtime.stepOut()); }
  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void { this.control(response, () => this.runtime.stepBack()); }
  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void { this.control(response, () => this.runtime.reverseContinue()); }
  protected override pauseRequest(response: DebugProtocol.PauseResponse): void { this.sendResponse(response); this.runtime.pause(); }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.sendResponse(response);
    this.progress.end();
    this.end();
  }
  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.runtime.terminate();
    this.sendResponse(response);
  }
}
