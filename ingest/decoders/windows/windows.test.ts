import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { explainSkip, sharedPath } from '../../../core/shared-data.js';
import { windowsLogsource } from '../../normalise/logsource-windows.js';
import { isWindowsEvent, normaliseWindowsEvent, toIsoUtc, windowsEventFromXml, windowsShape } from './index.js';
import { parseXml } from './xml.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(here, 'fixtures', name), 'utf8'));

describe('Winlogbeat', () => {
  it('reads the nested form: event_data by name, System from winlog.*', () => {
    const o = fixture('winlogbeat-nested.json');
    expect(windowsShape(o)).toBe('winlogbeat');
    const e = normaliseWindowsEvent(o);
    expect(e).toMatchObject({
      '@timestamp': '2024-03-05T02:11:09.417Z',
      'host.name': 'SO-TC-PC07.sotc.local',
      'logsource.product': 'windows',
      'logsource.service': 'sysmon',
      'logsource.category': 'process_creation',
      EventID: 1,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Provider_Name: 'Microsoft-Windows-Sysmon',
      Computer: 'SO-TC-PC07.sotc.local',
      Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      CommandLine: 'powershell.exe -nop -w hidden -enc SQBFAFgA',
      ParentImage: 'C:\\Windows\\System32\\cmd.exe',
      EventRecordID: 889123,
      ExecutionProcessID: 3120,
    });
    expect(e['logsource.categories']).toEqual(['process_creation']);
  });

  it('reads the dotted form and a mix of both', () => {
    const e = normaliseWindowsEvent(fixture('winlogbeat-dotted.json'));
    expect(e).toMatchObject({
      EventID: 4625,
      Channel: 'Security',
      'logsource.service': 'security',
      'host.name': 'DC01.sotc.local',
      TargetUserName: 'administrator',
      LogonType: '3',
      SubStatus: '0xc000006a',
    });
    expect(e['logsource.category']).toBeUndefined();
  });

  it('fills Sigma names from ECS-only Winlogbeat events without overwriting event_data', () => {
    const e = normaliseWindowsEvent({
      winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 1 },
      process: { executable: 'C:\\x\\a.exe', command_line: 'a.exe -x', parent: { executable: 'C:\\p.exe' } },
    });
    expect(e).toMatchObject({ Image: 'C:\\x\\a.exe', CommandLine: 'a.exe -x', ParentImage: 'C:\\p.exe' });
    const kept = normaliseWindowsEvent({
      winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 1, event_data: { Image: 'C:\\real.exe' } },
      process: { executable: 'C:\\ecs.exe' },
    });
    expect(kept.Image).toBe('C:\\real.exe');
  });
});

describe('EVTX as JSON', () => {
  it('reads evtx_dump output and maps Security 4688 to process_creation names', () => {
    const e = normaliseWindowsEvent(fixture('evtx-dump.json'));
    expect(e).toMatchObject({
      '@timestamp': '2024-03-05T02:15:31.123Z',
      EventID: 4688,
      Channel: 'Security',
      Provider_Name: 'Microsoft-Windows-Security-Auditing',
      Computer: 'WS-SOTC-12.sotc.local',
      'logsource.service': 'security',
      'logsource.category': 'process_creation',
      // Security names stay (service: security rules use them) ...
      NewProcessName: 'C:\\Windows\\System32\\whoami.exe',
      // ... and Sigma process_creation names are added.
      Image: 'C:\\Windows\\System32\\whoami.exe',
      ParentImage: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'whoami /priv',
      ProcessId: String(0x1a2c),
      ParentProcessId: String(0x10f0),
      IntegrityLevel: 'Medium',
      User: 'SOTC\\tranthib',
      EventRecordID: 51234,
      ExecutionProcessID: 4,
    });
  });

  it('reads xmltodict output: Data as a list of @Name/#text, #text EventID, zone-less time as UTC', () => {
    const e = normaliseWindowsEvent(fixture('evtx-xmltodict.json'));
    expect(e).toMatchObject({
      '@timestamp': '2024-03-05T02:20:00.500Z',
      EventID: 13,
      'logsource.service': 'sysmon',
      'logsource.category': 'registry_set',
      EventType: 'SetValue',
      TargetObject: 'HKU\\S-1-5-21-1-2-3-1104\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd',
      Empty: null,
    });
    expect(e['logsource.categories']).toEqual(['registry_set', 'registry_event']);
  });

  it('joins unnamed classic PowerShell Data items into Data', () => {
    const e = normaliseWindowsEvent(fixture('evtx-classic-ps.json'));
    expect(e['logsource.service']).toBe('powershell-classic');
    expect(e['logsource.category']).toBe('ps_classic_start');
    expect(String(e.Data)).toContain('HostApplication=powershell.exe -v 2 -c whoami');
  });

  it('reads event XML', () => {
    const e = windowsEventFromXml(readFileSync(join(here, 'fixtures', 'event.xml'), 'utf8'));
    expect(e).toMatchObject({
      EventID: 7045,
      Channel: 'System',
      'logsource.service': 'system',
      Provider_Name: 'Service Control Manager',
      ServiceName: 'PSEXESVC',
      ImagePath: '%SystemRoot%\\PSEXESVC.exe',
      AccountName: 'LocalSystem & co',
      '@timestamp': '2024-03-05T03:00:00.000Z',
    });
    expect(windowsEventFromXml('<Event><System>')).toBeUndefined();
  });
});

describe('NXLog / OTRF flat JSON', () => {
  it('keeps payload fields, canonicalises the channel case, moves the collector host aside', () => {
    const e = normaliseWindowsEvent({
      EventID: '4663',
      Channel: 'security',
      SourceName: 'Microsoft-Windows-Security-Auditing',
      Hostname: 'WORKSTATION5',
      EventTime: '2020-09-21 00:14:36',
      '@timestamp': '2020-09-21T04:14:38.806Z',
      host: 'wec.internal.cloudapp.net',
      ObjectName: 'C:\\x',
    });
    expect(e).toMatchObject({
      EventID: 4663,
      Channel: 'Security',
      'logsource.service': 'security',
      '@timestamp': '2020-09-21T04:14:38.806Z',
      'host.name': 'WORKSTATION5',
      'observer.hostname': 'wec.internal.cloudapp.net',
      ObjectName: 'C:\\x',
    });
    expect(e.host).toBeUndefined();
  });

  it('classic PowerShell without Data takes Data from Message', () => {
    const e = normaliseWindowsEvent({ EventID: 800, Channel: 'Windows PowerShell', Message: 'HostName=ConsoleHost' });
    expect(e).toMatchObject({ Data: 'HostName=ConsoleHost', 'logsource.category': 'ps_classic_script' });
  });

  it('normalises every line of every OTRF Windows set (real data from ../shared)', () => {
    const dir = sharedPath('corpus', 'otrf');
    if (!dir) return explainSkip('OTRF Windows shapes');
    const sets = [
      'cmd_service_mod_fax/cmd_service_mod_fax_2020-10-2120454410.json',
      'psh_lsass_memory_dump_comsvcs/psh_lsass_memory_dump_comsvcs_2020-10-18T19500924.json',
      'cmd_psexec_lsa_secrets_dump/cmd_psexec_lsa_secrets_dump_2020-10-1903305471.json',
    ];
    for (const s of sets) {
      const lines = readFileSync(join(dir, s), 'utf8')
        .split('\n')
        .filter((l) => l.trim());
      for (const l of lines) {
        const o: unknown = JSON.parse(l);
        expect(isWindowsEvent(o)).toBe(true);
        const e = normaliseWindowsEvent(o);
        expect(typeof e.EventID).toBe('number');
        expect(e['logsource.product']).toBe('windows');
        expect(typeof e['@timestamp']).toBe('string');
        if (e.Channel === 'Microsoft-Windows-Sysmon/Operational') expect(e['logsource.service']).toBe('sysmon');
      }
    }
  });
});

describe('logsource derivation', () => {
  it.each([
    ['Microsoft-Windows-Sysmon/Operational', 1, 'sysmon', 'process_creation'],
    ['Microsoft-Windows-Sysmon/Operational', 3, 'sysmon', 'network_connection'],
    ['Microsoft-Windows-Sysmon/Operational', 7, 'sysmon', 'image_load'],
    ['Microsoft-Windows-Sysmon/Operational', 10, 'sysmon', 'process_access'],
    ['Microsoft-Windows-Sysmon/Operational', 12, 'sysmon', 'registry_add'],
    ['Microsoft-Windows-Sysmon/Operational', 18, 'sysmon', 'pipe_created'],
    ['Microsoft-Windows-Sysmon/Operational', 22, 'sysmon', 'dns_query'],
    ['Microsoft-Windows-Sysmon/Operational', 23, 'sysmon', 'file_delete'],
    ['Microsoft-Windows-Sysmon/Operational', 25, 'sysmon', 'process_tampering'],
    ['Security', 4688, 'security', 'process_creation'],
    ['Security', 4624, 'security', undefined],
    ['Microsoft-Windows-PowerShell/Operational', 4103, 'powershell', 'ps_module'],
    ['PowerShellCore/Operational', 4104, 'powershell', 'ps_script'],
    ['Windows PowerShell', 600, 'powershell-classic', 'ps_classic_provider_start'],
    ['System', 7045, 'system', undefined],
    ['Microsoft-Windows-WMI-Activity/Operational', 5861, 'wmi', undefined],
    ['Microsoft-Windows-TaskScheduler/Operational', 106, 'taskscheduler', undefined],
    ['Some-Unknown/Channel', 1, undefined, undefined],
  ])('%s %d -> %s / %s', (channel, id, service, category) => {
    const ls = windowsLogsource(channel, id);
    expect(ls.service).toBe(service);
    expect(ls.categories?.[0]).toBe(category);
  });

  it('Sysmon 13 belongs to registry_set and registry_event', () => {
    expect(windowsLogsource('microsoft-windows-sysmon/operational', 13).categories).toEqual([
      'registry_set',
      'registry_event',
    ]);
  });
});

describe('robustness', () => {
  it('never throws on arbitrary JSON, in any shape', () => {
    const anyShape = fc.oneof(
      fc.jsonValue(),
      fc.record({ winlog: fc.jsonValue(), '@timestamp': fc.jsonValue() }),
      fc.record({ Event: fc.record({ System: fc.jsonValue(), EventData: fc.jsonValue(), UserData: fc.jsonValue() }) }),
      fc.record({ EventID: fc.jsonValue(), Channel: fc.string(), TimeCreated: fc.jsonValue() }),
      fc.dictionary(
        fc.constantFrom('__proto__', 'constructor', 'winlog.event_data.x', 'EventID', 'Channel'),
        fc.jsonValue(),
      ),
    );
    fc.assert(
      fc.property(anyShape, (o) => {
        const e = normaliseWindowsEvent(JSON.parse(JSON.stringify(o)));
        expect(e['logsource.product']).toBe('windows');
        expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
      }),
      { numRuns: 400 },
    );
  });

  it('a __proto__ EventData field stays an own field and never becomes the prototype', () => {
    const e = normaliseWindowsEvent(JSON.parse('{"EventID":1,"Channel":"Security","__proto__":{"polluted":1}}'));
    expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('the XML reader never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        parseXml(s);
        parseXml(`<Event><System>${s}</System></Event>`);
        windowsEventFromXml(`<Event>${s}</Event>`);
      }),
      { numRuns: 400 },
    );
  });

  it('reads timestamps in every form the shapes use', () => {
    expect(toIsoUtc('2020-10-19 03:30:41.104')).toBe('2020-10-19T03:30:41.104Z');
    expect(toIsoUtc('2022-05-11T18:10:20.399931000Z')).toBe('2022-05-11T18:10:20.399Z');
    expect(toIsoUtc('2024-03-05T09:00:00+07:00')).toBe('2024-03-05T02:00:00.000Z');
    expect(toIsoUtc(1604994496.155)).toBe('2020-11-10T07:48:16.155Z');
    expect(toIsoUtc('yesterday')).toBeUndefined();
    expect(toIsoUtc('2024-13-45T99:00:00Z')).toBeUndefined();
  });
});

describe('edge cases', () => {
  it('a Channel named like an Object.prototype member is just unknown', () => {
    for (const c of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const e = normaliseWindowsEvent({ EventID: 1, Channel: c });
      expect(e['logsource.service']).toBeUndefined();
      expect(e.Channel).toBe(c);
    }
  });

  it('Sysmon for Linux in an EVTX-like shape is product linux', () => {
    const e = normaliseWindowsEvent({ Event: { System: { EventID: '1', Channel: 'Linux-Sysmon/Operational' } } });
    expect(e).toMatchObject({
      'logsource.product': 'linux',
      'logsource.service': 'sysmon',
      'logsource.category': 'process_creation',
    });
  });

  it('category lists are frozen: one consumer cannot change another event', () => {
    const e = normaliseWindowsEvent({ EventID: 13, Channel: 'Microsoft-Windows-Sysmon/Operational' });
    expect(Object.isFrozen(e['logsource.categories'])).toBe(true);
  });
});
