#!/usr/bin/env node
// A LoRaWAN 1.0.x end device built on the npm package lora-packet, for end-to-end tests: the frames a
// gateway publishes in those tests come from here, not from Tether's own library.
//   node device.js join-request APPKEY JOINEUI DEVEUI DEVNONCE      -> PHYPayload hex
//   node device.js join-accept APPKEY PHYHEX DEVNONCE               -> JSON {dev_addr, net_id, join_nonce,
//                                                                      nwk_s_key, app_s_key, mic_ok}
//   node device.js data DEVADDR FCNT FPORT PAYLOAD NWKSKEY APPSKEY [confirmed] -> PHYPayload hex (uplink)
//   node device.js downlink PHYHEX NWKSKEY APPSKEY                  -> JSON {dev_addr, f_cnt, f_port, payload,
//                                                                      ack, confirmed, f_opts, mic_ok}
// Identifiers, nonces and keys are big-endian hex (display form); FCnt is the full 32-bit counter.
"use strict";
const lp = require("lora-packet");

const H = (s) => Buffer.from(s, "hex");
const hex = (b) => Buffer.from(b).toString("hex").toUpperCase();
// FCntMSBytes: the upper 16 bits in little-endian order, as lora-packet expects.
const msb = (fcnt) => Buffer.from([(fcnt >>> 16) & 0xff, (fcnt >>> 24) & 0xff]);

const [command, ...args] = process.argv.slice(2);
if (command === "join-request") {
  const [appKey, joinEui, devEui, devNonce] = args;
  const pkt = lp.fromFields({ MType: 0, AppEUI: H(joinEui), DevEUI: H(devEui), DevNonce: H(devNonce) }, null, null,
    H(appKey));
  console.log(hex(pkt.getPHYPayload()));
} else if (command === "join-accept") {
  const [appKey, phy, devNonce] = args;
  const p = lp.fromWire(lp.decryptJoinAccept(lp.fromWire(H(phy)), H(appKey)));
  const keys = lp.generateSessionKeys(H(appKey), p.NetID, p.AppNonce, H(devNonce));
  console.log(JSON.stringify({
    dev_addr: hex(p.DevAddr), net_id: hex(p.NetID), join_nonce: hex(p.AppNonce),
    rx_delay: p.RxDelay.readUInt8(0), dl_settings: p.DLSettings.readUInt8(0),
    nwk_s_key: hex(keys.NwkSKey), app_s_key: hex(keys.AppSKey), mic_ok: lp.verifyMIC(p, undefined, H(appKey)),
  }));
} else if (command === "data") {
  const [devAddr, fcntText, fportText, payload, nwk, app, confirmed] = args;
  const fcnt = Number(fcntText);
  const pkt = lp.fromFields({ MType: confirmed === "confirmed" ? 4 : 2, DevAddr: H(devAddr), FCnt: fcnt & 0xffff,
    FPort: Number(fportText), payload: H(payload) }, H(app), H(nwk), undefined, msb(fcnt));
  console.log(hex(pkt.getPHYPayload()));
} else if (command === "downlink") {
  const [phy, nwk, app] = args;
  const p = lp.fromWire(H(phy));
  const fport = p.FPort === undefined || p.FPort === null ? null : p.FPort.readUInt8(0);
  const payload = fport === null ? Buffer.alloc(0) : lp.decrypt(p, H(app), H(nwk));
  console.log(JSON.stringify({
    dev_addr: hex(p.DevAddr), f_cnt: p.FCnt.readUInt16BE(0), f_port: fport, payload: hex(payload),
    ack: p.getFCtrlACK(), confirmed: p.getMType() === "Confirmed Data Down", f_opts: hex(p.FOpts || []),
    mic_ok: lp.verifyMIC(p, H(nwk)),
  }));
} else {
  console.error("usage: device.js join-request|join-accept|data|downlink ...");
  process.exit(2);
}
