#!/usr/bin/env node
// Independent oracle for Tether's LoRaWAN library, built on the npm package lora-packet.
//   node lorawan_oracle.js generate COUNT SEED  -> JSON lines: random frames built by lora-packet + their fields
//   node lorawan_oracle.js verify < lines       -> checks frames built by Tether; prints {"checked":N,"failures":[...]}
// Identifiers are big-endian hex (display form) in both directions; FCnt is the full 32-bit counter.
"use strict";
const lp = require("lora-packet");
const readline = require("readline");

function mulberry32(seed) {
  return function () {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (b) => Buffer.from(b).toString("hex");
const H = (s) => Buffer.from(s, "hex");
// FCntMSBytes: the upper 16 bits in little-endian order, as lora-packet expects.
const msb = (fcnt) => Buffer.from([(fcnt >>> 16) & 0xff, (fcnt >>> 24) & 0xff]);

function generator(rng) {
  const int = (n) => Math.floor(rng() * n);
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(256)));

  function data() {
    const downlink = rng() < 0.5;
    const confirmed = rng() < 0.5;
    const mtype = 2 + (confirmed ? 2 : 0) + (downlink ? 1 : 0);
    const fcnt = rng() < 0.5 ? int(0x10000) : int(0x100000000);
    const flags = { ADR: rng() < 0.5, ACK: rng() < 0.5, FPending: rng() < 0.5, ADRACKReq: !downlink && rng() < 0.5 };
    const r = rng();
    const port = r < 0.1 ? null : r < 0.2 ? 0 : 1 + int(255);
    const fopts = port !== 0 && rng() < 0.3 ? bytes(int(16)) : Buffer.alloc(0);
    const payload = port === null ? Buffer.alloc(0) : bytes(int(243 - fopts.length));
    const devAddr = bytes(4), nwk = bytes(16), app = bytes(16);
    const fields = { MType: mtype, DevAddr: devAddr, FCnt: fcnt & 0xffff, FCtrl: flags, FOpts: fopts, payload };
    if (port !== null) fields.FPort = port;
    const pkt = lp.fromFields(fields, app, nwk, undefined, msb(fcnt));
    if (port === null) lp.recalculateMIC(pkt, nwk, undefined, msb(fcnt));  // lora-packet signs only frames with FPort
    return {
      kind: "data", wire: hex(pkt.getPHYPayload()), nwk_s_key: hex(nwk), app_s_key: hex(app), mtype, fcnt,
      dev_addr: hex(devAddr), adr: flags.ADR, adr_ack_req: flags.ADRACKReq, ack: flags.ACK, bit4: flags.FPending,
      f_opts: hex(fopts), f_port: port, payload: hex(payload),
    };
  }

  function joinAccept() {
    const appKey = bytes(16), nonce = bytes(3), netId = bytes(3), devAddr = bytes(4);
    const dl = int(128), rxDelay = int(256), cfList = rng() < 0.5 ? bytes(16) : Buffer.alloc(0);
    // lora-packet treats 0 as "not given" for DLSettings/RxDelay, so pass them as buffers.
    const pkt = lp.fromFields({ MType: 1, AppNonce: nonce, NetID: netId, DevAddr: devAddr,
      DLSettings: Buffer.from([dl]), RxDelay: Buffer.from([rxDelay]), CFList: cfList }, null, null, appKey);
    return { kind: "join_accept", wire: hex(pkt.getPHYPayload()), app_key: hex(appKey), join_nonce: hex(nonce),
      net_id: hex(netId), dev_addr: hex(devAddr), dl_settings: dl, rx_delay: rxDelay, cf_list: hex(cfList) };
  }

  function joinRequest() {
    const appKey = bytes(16), joinEui = bytes(8), devEui = bytes(8), devNonce = bytes(2);
    const pkt = lp.fromFields({ MType: 0, AppEUI: joinEui, DevEUI: devEui, DevNonce: devNonce }, null, null, appKey);
    return { kind: "join_request", wire: hex(pkt.getPHYPayload()), app_key: hex(appKey), join_eui: hex(joinEui),
      dev_eui: hex(devEui), dev_nonce: hex(devNonce) };
  }

  return (i) => (i % 10 < 7 ? data() : i % 10 < 9 ? joinAccept() : joinRequest());
}

function verifyData(c) {
  const p = lp.fromWire(H(c.wire));
  const m = msb(c.fcnt);
  const fctrl = p.FCtrl.readUInt8(0);
  const checks = {
    mtype: p._getMType() === c.mtype,
    dev_addr: hex(p.DevAddr) === c.dev_addr,
    fcnt: p.getFCnt() === (c.fcnt & 0xffff),
    adr: p.getFCtrlADR() === c.adr,
    ack: p.getFCtrlACK() === c.ack,
    adr_ack_req: !!(fctrl & 0x40) === c.adr_ack_req,
    bit4: !!(fctrl & 0x10) === c.bit4,
    f_opts: hex(p.FOpts) === c.f_opts,
    f_port: p.getFPort() === c.f_port,
    mic: lp.verifyMIC(p, H(c.nwk_s_key), undefined, m),
    payload: c.f_port === null ? hex(p.FRMPayload || []) === "" : hex(lp.decrypt(p, H(c.app_s_key), H(c.nwk_s_key), m)) === c.payload,
  };
  return checks;
}

function verifyJoinAccept(c) {
  const key = H(c.app_key);
  const p = lp.fromWire(lp.decryptJoinAccept(lp.fromWire(H(c.wire)), key));
  return {
    mic: lp.verifyMIC(p, undefined, key),
    join_nonce: hex(p.AppNonce) === c.join_nonce,
    net_id: hex(p.NetID) === c.net_id,
    dev_addr: hex(p.DevAddr) === c.dev_addr,
    dl_settings: p.DLSettings.readUInt8(0) === c.dl_settings,
    rx_delay: p.RxDelay.readUInt8(0) === c.rx_delay,
    cf_list: hex(p.CFList || []) === c.cf_list,
  };
}

function verifyJoinRequest(c) {
  const p = lp.fromWire(H(c.wire));
  return {
    mic: lp.verifyMIC(p, undefined, H(c.app_key)),
    join_eui: hex(p.AppEUI) === c.join_eui,
    dev_eui: hex(p.DevEUI) === c.dev_eui,
    dev_nonce: hex(p.DevNonce) === c.dev_nonce,
  };
}

async function verify() {
  const result = { checked: 0, by_kind: {}, failures: [] };
  const verifiers = { data: verifyData, join_accept: verifyJoinAccept, join_request: verifyJoinRequest };
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const c = JSON.parse(line);
    let failed;
    try {
      const checks = verifiers[c.kind](c);
      failed = Object.keys(checks).filter((k) => !checks[k]);
    } catch (e) {
      failed = ["exception: " + e.message];
    }
    result.checked++;
    result.by_kind[c.kind] = (result.by_kind[c.kind] || 0) + 1;
    if (failed.length && result.failures.length < 20) result.failures.push({ wire: c.wire, failed });
    else if (failed.length) result.failures.push({ failed });
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}

const [mode, count, seed] = process.argv.slice(2);
if (mode === "generate") {
  const next = generator(mulberry32(Number(seed || 1)));
  const out = [];
  for (let i = 0; i < Number(count); i++) out.push(JSON.stringify(next(i)));
  process.stdout.write(out.join("\n") + "\n");
} else if (mode === "verify") {
  verify();
} else {
  process.stderr.write("usage: lorawan_oracle.js generate COUNT SEED | verify\n");
  process.exit(2);
}
