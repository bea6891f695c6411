// Small classic-pcap writers for the benchmark's doubling runs (rendered by
// the real tcpdump afterwards): n attempts at a steady rate, so that twice the
// attempts is twice the capture.

const RATE = 20; // new attempts per second
const START = 1_700_000_000;

function csum(b) {
  let s = 0;
  for (let i = 0; i + 1 < b.length; i += 2) s += (b[i] << 8) | b[i + 1];
  if (b.length % 2) s += b[b.length - 1] << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return ~s & 0xffff;
}

function ip4(a) {
  return Buffer.from(a.split(".").map(Number));
}

/** An Ethernet + IPv4 packet around a transport payload. */
function ipPacket(src, dst, proto, payload) {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + payload.length, 2);
  ip.writeUInt16BE(0x4000, 6);
  ip[8] = 64;
  ip[9] = proto;
  ip4(src).copy(ip, 12);
  ip4(dst).copy(ip, 16);
  ip.writeUInt16BE(csum(ip), 10);
  const eth = Buffer.from([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0]);
  return Buffer.concat([eth, ip, payload]);
}

const SYN = 2, RST = 4, ACK = 16;

function tcp(src, dst, sport, dport, seq, ack, flags) {
  const t = Buffer.alloc(20);
  t.writeUInt16BE(sport, 0);
  t.writeUInt16BE(dport, 2);
  t.writeUInt32BE(seq >>> 0, 4);
  t.writeUInt32BE(ack >>> 0, 8);
  t[12] = 5 << 4;
  t[13] = flags;
  t.writeUInt16BE(64240, 14);
  const pseudo = Buffer.concat([ip4(src), ip4(dst), Buffer.from([0, 6, 0, 20])]);
  t.writeUInt16BE(csum(Buffer.concat([pseudo, t])), 16);
  return ipPacket(src, dst, 6, t);
}

/** ICMP port unreachable about the SYN it answers (its IP header and first 8 bytes). */
function icmpPortUnreachable(from, to, synPacket) {
  const quoted = synPacket.subarray(14, 14 + 28);
  const m = Buffer.concat([Buffer.from([3, 3, 0, 0, 0, 0, 0, 0]), quoted]);
  m.writeUInt16BE(csum(m), 2);
  return ipPacket(from, to, 1, m);
}

function pcap(events) {
  events.sort((a, b) => a[0] - b[0]);
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20);
  const parts = [head];
  for (const [t, p] of events) {
    const h = Buffer.alloc(16);
    const sec = Math.floor(t);
    h.writeUInt32LE(sec, 0);
    h.writeUInt32LE(Math.round((t - sec) * 1e6) % 1e6, 4);
    h.writeUInt32LE(p.length, 8);
    h.writeUInt32LE(p.length, 12);
    parts.push(h, p);
  }
  return Buffer.concat(parts);
}

const client = (k) => `10.0.${(k >> 8) & 255}.${(k & 255) || 1}`;
const port = (k) => 1024 + (k % 60000);

/** n attempts that nobody answers: six SYNs each, 1, 2, 4, 8 and 16 s apart. */
export function synOnlyPcap(n) {
  const events = [];
  for (let k = 0; k < n; k++) {
    const t0 = START + k / RATE;
    let t = t0;
    for (let r = 0; r < 6; r++) {
      events.push([t, tcp(client(k), "10.1.0.1", port(k), 80, k * 7919, 0, SYN)]);
      t += 2 ** r;
    }
  }
  return pcap(events);
}

/** n attempts from one client to one server's port, each answered by ICMP port unreachable (no -v: not quoted in the text). */
export function icmpOnlyPcap(n) {
  const events = [];
  for (let k = 0; k < n; k++) {
    const t0 = START + k / RATE;
    const syn = tcp("10.0.0.1", "10.1.0.1", port(k), 80, k * 7919, 0, SYN);
    events.push([t0, syn], [t0 + 0.0002, icmpPortUnreachable("10.1.0.1", "10.0.0.1", syn)]);
  }
  return pcap(events);
}

/** n connects refused by RST, and the strace -f -tt -T of the same connect() calls (one process). */
export function joinPcap(n) {
  const events = [];
  const strace = [];
  const pid = 4242;
  const clock = (t) => {
    const d = new Date(t * 1000);
    const p = (x, w = 2) => String(x).padStart(w, "0");
    return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(Math.round((t % 1) * 1e6) % 1e6, 6)}`;
  };
  for (let k = 0; k < n; k++) {
    const t0 = START + k / RATE;
    const server = `10.1.${(k >> 8) & 3}.${(k % 200) + 1}`;
    events.push([t0 + 0.00002, tcp("10.0.0.1", server, port(k), 80, k * 7919, 0, SYN)]);
    events.push([t0 + 0.00012, tcp(server, "10.0.0.1", 80, port(k), 0, k * 7919 + 1, RST | ACK)]);
    strace.push(
      `${pid}  ${clock(t0 - 0.00003)} socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3 <0.000011>`,
      `${pid}  ${clock(t0)} connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("${server}")}, 16) = -1 ECONNREFUSED (Connection refused) <0.000140>`,
      `${pid}  ${clock(t0 + 0.0002)} close(3)          = 0 <0.000009>`,
    );
  }
  return { pcap: pcap(events), strace: `${strace.join("\n")}\n` };
}
