// The load balancer of `npm run bench -- --instances 1,2,4`: Debian's nginx (installed with apt-get here, in the
// benchmark only, when missing), run in the foreground from a temp dir, listening on 127.0.0.1 and spreading
// requests round-robin over the server instances. Nothing else of the system's nginx is used or changed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/db/embedded.js';

function nginxBinary(): string {
  const found = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error('nginx is not installed: sudo apt-get install nginx-light (or nginx), then run the benchmark again.');
  console.log('installing Debian\'s nginx for the scale-out benchmark (apt-get)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // --no-install-recommends and policy-rc.d: the package must not start a system nginx on port 80.
  fs.writeFileSync('/usr/sbin/policy-rc.d', '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'nginx']]) {
      const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
      if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status})`);
    }
  } finally { fs.rmSync('/usr/sbin/policy-rc.d', { force: true }); }
  const installed = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
  if (!installed) throw new Error('apt-get installed nginx but no nginx binary was found');
  return installed;
}

export interface Balancer { port: number; stop(): Promise<void> }

export async function startNginx(upstreamPorts: number[]): Promise<Balancer> {
  const binary = nginxBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nafidha-bench-nginx-'));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `daemon off;
master_process off;
worker_processes 1;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream nafidha {
${upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=0;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://nafidha;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
      # A message is never sent to a second instance after the first failed or was slow: that could answer it twice.
      proxy_next_upstream off;
      proxy_read_timeout 30s;
    }
  }
}
`);
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (b: Buffer) => { output += b.toString(); });
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${output}${fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, 'utf8') : ''}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > until) { child.kill('SIGKILL'); throw new Error(`nginx did not listen on ${port}: ${output}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.once('exit', () => child.kill('SIGKILL'));
  return {
    port,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) { fs.rmSync(dir, { recursive: true, force: true }); return resolve(); }
      child.once('exit', () => { fs.rmSync(dir, { recursive: true, force: true }); resolve(); });
      child.kill('SIGQUIT');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }),
  };
}
