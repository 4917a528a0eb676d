/**
 * Real wire-protocol test servers on loopback, for the store adapter tests (SPEC S3):
 *
 * - Neo4j 5 community (embedded through org.neo4j.test:neo4j-harness) speaking Bolt, auth on
 *   with fixed credentials (NEO4J_TEST_USER / NEO4J_TEST_PASSWORD);
 * - FerretDB 1.24 (embedded, SQLite backend) speaking the MongoDB wire protocol, no auth.
 *
 * Both are built by `bash test/servers/prepare.sh` (see test/servers/README.md). Each start gets
 * its own free port (the server binds port 0 and reports the real one) and its own temp dir;
 * stop() removes both. The child's stdin is a pipe: if this process dies, the server sees EOF
 * and exits by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export interface ServerStartOptions {
  /** How long to wait for the READY line; default 120 s. */
  timeoutMs?: number;
  /** A fixed port (to start a server again where clients expect it); default a free one. */
  port?: number;
  /**
   * MongoDB-wire server only: keep the data here, across a stop and a start on the same folder
   * (the caller removes it). Default: a temp folder removed on stop.
   */
  dataDir?: string;
}

export const NEO4J_TEST_USER = 'neo4j';
export const NEO4J_TEST_PASSWORD = 'redk-test-password';

const DEFAULT_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 15_000;
const MAX_LOG_CHARS = 64 * 1024;
const PREPARE_HINT = 'run `bash test/servers/prepare.sh` from the repo root first';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort for a runner that exits without calling stop(): stdin EOF does the same, later. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGTERM');
      } catch {
        // already gone
      }
    }
  });
}

function serversDir(): string {
  return join(process.cwd(), 'test', 'servers');
}

export async function startNeo4jServer(
  opts: ServerStartOptions = {},
): Promise<RunningServer & { user: string; password: string }> {
  const projectDir = join(serversDir(), 'neo4j');
  const classesDir = join(projectDir, 'target', 'classes');
  const classpathFile = join(projectDir, 'target', 'classpath.txt');
  if (!existsSync(join(classesDir, 'redk', 'Neo4jTestServer.class')) || !existsSync(classpathFile)) {
    throw new Error(`The Neo4j test server is not built (${classpathFile} or target/classes missing): ${PREPARE_HINT}`);
  }
  const classpath = [classesDir, readFileSync(classpathFile, 'utf8').trim()].join(delimiter);
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const server = await startServer({
    name: 'Neo4j',
    command: java,
    args: (dataDir) => [
      `-Djava.io.tmpdir=${dataDir}`,
      '-Xms128m',
      '-Xmx768m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Xss1m',
      '-cp',
      classpath,
      'redk.Neo4jTestServer',
      '0',
      NEO4J_TEST_PASSWORD,
      dataDir,
    ],
    readyPattern: /^NEO4J_READY (bolt:\/\/\S+)\r?\n/m,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    spawnHint: 'it needs Java 17+ (`java` on PATH or JAVA_HOME)',
  });
  return { ...server, user: NEO4J_TEST_USER, password: NEO4J_TEST_PASSWORD };
}

export async function startMongoServer(opts: ServerStartOptions = {}): Promise<RunningServer> {
  const binary = join(serversDir(), 'bin', process.platform === 'win32' ? 'redk-mongo-test-server.exe' : 'redk-mongo-test-server');
  if (!existsSync(binary)) {
    throw new Error(`The MongoDB-wire test server (FerretDB) is not built (${binary} missing): ${PREPARE_HINT}`);
  }
  return startServer({
    name: 'FerretDB',
    command: binary,
    args: (tempDir) => ['-port', String(opts.port ?? 0), '-data-dir', opts.dataDir ?? join(tempDir, 'data')],
    readyPattern: /^MONGO_READY (mongodb:\/\/\S+)\r?\n/m,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    spawnHint: PREPARE_HINT,
  });
}

interface StartSpec {
  name: string;
  command: string;
  /** Arguments, given the per-start data dir (the server deletes it on exit; stop() makes sure). */
  args: (dataDir: string) => string[];
  /** Matches the whole ready line (incl. its newline, so a half-received line never matches). */
  readyPattern: RegExp;
  timeoutMs: number;
  /** Appended when the command cannot be spawned at all. */
  spawnHint: string;
}

async function startServer(spec: StartSpec): Promise<RunningServer> {
  const tempDir = mkdtempSync(join(tmpdir(), `redk-${spec.name.toLowerCase()}-test-`));
  const child = spawn(spec.command, spec.args(tempDir), {
    cwd: process.cwd(),
    env: { ...process.env, TMPDIR: tempDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  installExitHook();

  let log = '';
  let stdoutText = '';
  const append = (chunk: Buffer): void => {
    log += chunk.toString();
    if (log.length > MAX_LOG_CHARS) log = log.slice(-MAX_LOG_CHARS);
  };
  child.stdout.on('data', (chunk: Buffer) => {
    append(chunk);
    if (stdoutText.length < MAX_LOG_CHARS) stdoutText += chunk.toString();
  });
  child.stderr.on('data', append);
  // Writes to a dead child's stdin, or a failed kill, must not crash the runner.
  child.stdin.on('error', () => undefined);
  child.on('error', (err: Error) => append(Buffer.from(`[helper] ${err.message}\n`)));

  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('close', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
  });

  const cleanup = (): void => rmSync(tempDir, { recursive: true, force: true });

  const stopChild = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, STOP_GRACE_MS);
      await exitPromise;
      clearTimeout(timer);
    }
    child.stdin.destroy();
    cleanup();
  };

  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        finish(new Error(`${spec.name} test server did not become ready in ${spec.timeoutMs} ms. Its output:\n${log}`));
      }, spec.timeoutMs);
      const finish = (err: Error | null, value?: string): void => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.off('error', onError);
        child.off('close', onClose);
        if (err) reject(err);
        else resolve(value as string);
      };
      const onData = (): void => {
        const match = spec.readyPattern.exec(stdoutText);
        if (match) finish(null, match[1] as string);
      };
      const onError = (err: Error): void => {
        finish(new Error(`${spec.name} test server could not be started (${spec.command}): ${err.message}; ${spec.spawnHint}`));
      };
      const onClose = (code: number | null, signal: NodeJS.Signals | null): void => {
        finish(
          new Error(`${spec.name} test server exited (code ${code}, signal ${signal}) before it was ready. Its output:\n${log}`),
        );
      };
      child.stdout.on('data', onData);
      child.once('error', onError);
      child.once('close', onClose);
    });
  } catch (err) {
    await stopChild();
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    stop: () => (stopping ??= stopChild()),
  };
}
