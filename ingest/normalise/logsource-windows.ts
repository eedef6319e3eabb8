/**
 * Sigma logsource derivation for Windows events, from the event's Channel and EventID, following the Sigma
 * taxonomy appendix and pySigma's windows + sysmon pipelines (the rule-side mapping, read backwards).
 *
 * One event may belong to several categories (Sysmon 13 is `registry_set` and `registry_event`; Sysmon 12 is
 * `registry_add`, `registry_delete` and `registry_event`, exactly as pySigma maps them; rules narrow by
 * `EventType` themselves). The normalised event then carries:
 * - `logsource.category`: the most specific category (first of the list), for display and storage;
 * - `logsource.categories`: every category the event belongs to (always present when a category is), which the
 *   engine must use for routing: a rule's `category` matches when it is in this array.
 * `logsource.service` is the single service of the Channel (security, system, sysmon, powershell, ...).
 */

/** The Sigma logsource of one Windows event (service and categories may be absent). */
export interface WindowsLogsource {
  service: string | undefined;
  categories: readonly string[] | undefined;
}

/** Channel (lower-cased) -> Sigma service, from the taxonomy appendix (service table). */
export const CHANNEL_SERVICE: Readonly<Record<string, string>> = {
  application: 'application',
  'microsoft-windows-application-experience/program-telemetry': 'application-experience',
  'microsoft-windows-application-experience/program-compatibility-assistant': 'application-experience',
  'microsoft-windows-applocker/msi and script': 'applocker',
  'microsoft-windows-applocker/exe and dll': 'applocker',
  'microsoft-windows-applocker/packaged app-deployment': 'applocker',
  'microsoft-windows-applocker/packaged app-execution': 'applocker',
  'microsoft-windows-appmodel-runtime/admin': 'appmodel-runtime',
  'microsoft-windows-appxdeploymentserver/operational': 'appxdeployment-server',
  'microsoft-windows-appxpackaging/operational': 'appxpackaging-om',
  'microsoft-windows-bitlocker/bitlocker management': 'bitlocker',
  'microsoft-windows-bits-client/operational': 'bits-client',
  'microsoft-windows-capi2/operational': 'capi2',
  'microsoft-windows-certificateservicesclient-lifecycle-system/operational':
    'certificateservicesclient-lifecycle-system',
  'microsoft-windows-codeintegrity/operational': 'codeintegrity-operational',
  'microsoft-windows-dhcp-server/operational': 'dhcp',
  'microsoft-windows-diagnosis-scripted/operational': 'diagnosis-scripted',
  'microsoft-windows-dns client events/operational': 'dns-client',
  'dns server': 'dns-server',
  'microsoft-windows-dns-server/analytical': 'dns-server-analytic',
  'microsoft-windows-dns-server/audit': 'dns-server-audit',
  'microsoft-windows-driverframeworks-usermode/operational': 'driver-framework',
  'microsoft-windows-windows firewall with advanced security/firewall': 'firewall-as',
  'microsoft-windows-hyper-v-worker': 'hyper-v-worker',
  'microsoft-iis-configuration/operational': 'iis-configuration',
  'microsoft-windows-kernel-eventtracing': 'kernel-event-tracing',
  'microsoft-windows-kernel-shimengine/operational': 'kernel-shimengine',
  'microsoft-windows-kernel-shimengine/diagnostic': 'kernel-shimengine',
  'microsoft-windows-ldap-client/debug': 'ldap',
  'microsoft-windows-lsa/operational': 'lsa-server',
  'msexchange management': 'msexchange-management',
  'microsoft-windows-ntfs/operational': 'ntfs',
  'microsoft-windows-ntlm/operational': 'ntlm',
  'openssh/operational': 'openssh',
  'microsoft-windows-powershell/operational': 'powershell',
  'powershellcore/operational': 'powershell',
  'windows powershell': 'powershell-classic',
  'microsoft-windows-printservice/admin': 'printservice-admin',
  'microsoft-windows-printservice/operational': 'printservice-operational',
  security: 'security',
  'microsoft-windows-security-mitigations/kernel mode': 'security-mitigations',
  'microsoft-windows-security-mitigations/user mode': 'security-mitigations',
  'microsoft-windows-sense/operational': 'sense',
  'microsoft-servicebus-client/operational': 'servicebus-client',
  'microsoft-servicebus-client/admin': 'servicebus-client',
  'microsoft-windows-shell-core/operational': 'shell-core',
  'microsoft-windows-smbclient/security': 'smbclient-security',
  'microsoft-windows-smbserver/connectivity': 'smbserver-connectivity',
  'microsoft-windows-sysmon/operational': 'sysmon',
  system: 'system',
  'microsoft-windows-taskscheduler/operational': 'taskscheduler',
  'microsoft-windows-terminalservices-localsessionmanager/operational': 'terminalservices-localsessionmanager',
  'microsoft-windows-vhdmp/operational': 'vhdmp',
  'microsoft-windows-windows defender/operational': 'windefend',
  'microsoft-windows-wmi-activity/operational': 'wmi',
};

/** The canonical spelling of each known Channel (OTRF sets write `security` as well as `Security`). */
export const CANONICAL_CHANNEL: Readonly<Record<string, string>> = {
  security: 'Security',
  system: 'System',
  application: 'Application',
  'windows powershell': 'Windows PowerShell',
  'microsoft-windows-sysmon/operational': 'Microsoft-Windows-Sysmon/Operational',
  'microsoft-windows-powershell/operational': 'Microsoft-Windows-PowerShell/Operational',
  'powershellcore/operational': 'PowerShellCore/Operational',
  'microsoft-windows-taskscheduler/operational': 'Microsoft-Windows-TaskScheduler/Operational',
  'microsoft-windows-wmi-activity/operational': 'Microsoft-Windows-WMI-Activity/Operational',
  'microsoft-windows-windows defender/operational': 'Microsoft-Windows-Windows Defender/Operational',
};

/** Category lists are shared by every event that carries them: frozen, so no consumer can alter another's. */
const f = (...c: string[]): readonly string[] => Object.freeze(c);

/** Sysmon EventID -> categories, most specific first (taxonomy appendix; pySigma sysmon pipeline). */
const SYSMON: Readonly<Record<number, readonly string[]>> = {
  1: f('process_creation'),
  2: f('file_change'),
  3: f('network_connection'),
  4: f('sysmon_status'),
  5: f('process_termination'),
  6: f('driver_load'),
  7: f('image_load'),
  8: f('create_remote_thread'),
  9: f('raw_access_thread'),
  10: f('process_access'),
  11: f('file_event'),
  12: f('registry_add', 'registry_delete', 'registry_event'),
  13: f('registry_set', 'registry_event'),
  14: f('registry_rename', 'registry_event'),
  15: f('create_stream_hash'),
  16: f('sysmon_status'),
  17: f('pipe_created'),
  18: f('pipe_created'),
  19: f('wmi_event'),
  20: f('wmi_event'),
  21: f('wmi_event'),
  22: f('dns_query'),
  23: f('file_delete'),
  24: f('clipboard_capture'),
  25: f('process_tampering'),
  26: f('file_delete_detected', 'file_delete'),
  27: f('file_block_executable'),
  28: f('file_block_shredding'),
  29: f('file_executable_detected'),
  255: f('sysmon_error'),
};

const PROCESS_CREATION = f('process_creation');
const PS_MODULE = f('ps_module');
const PS_SCRIPT = f('ps_script');
const PS_CLASSIC: Readonly<Record<number, readonly string[]>> = {
  400: f('ps_classic_start'),
  600: f('ps_classic_provider_start'),
  800: f('ps_classic_script'),
};

/** Categories for the (service, EventID) pairs outside Sysmon that the taxonomy or pySigma names. */
function otherCategories(service: string | undefined, eventId: number): readonly string[] | undefined {
  switch (service) {
    case 'security':
      // pySigma's windows audit pipeline maps process_creation to Security 4688 (fields via rules/pipelines/).
      return eventId === 4688 ? PROCESS_CREATION : undefined;
    case 'powershell':
      return eventId === 4103 ? PS_MODULE : eventId === 4104 ? PS_SCRIPT : undefined;
    case 'powershell-classic':
      return PS_CLASSIC[eventId];
    default:
      return undefined;
  }
}

/** Derives the Sigma service and categories of a Windows event from its Channel and EventID. */
export function windowsLogsource(channel: string | undefined, eventId: number | undefined): WindowsLogsource {
  const lc = channel?.toLowerCase();
  // Own keys only: a Channel named `constructor` must not find Object.prototype.constructor.
  const service = lc !== undefined && Object.hasOwn(CHANNEL_SERVICE, lc) ? CHANNEL_SERVICE[lc] : undefined;
  if (eventId === undefined) return { service, categories: undefined };
  const categories = service === 'sysmon' ? SYSMON[eventId] : otherCategories(service, eventId);
  return { service, categories };
}

/** The canonical spelling of a Channel (own keys only), or the Channel as given. */
export function canonicalChannel(channel: string): string {
  const lc = channel.toLowerCase();
  return Object.hasOwn(CANONICAL_CHANNEL, lc) ? CANONICAL_CHANNEL[lc]! : channel;
}

/** Categories of a Sysmon for Linux event (taxonomy: process_creation 1, network_connection 3, file_event 11). */
export function sysmonLinuxCategories(eventId: number): readonly string[] | undefined {
  return SYSMON[eventId];
}
