/**
 * An agency's asset inventory: hosts with owner, role, addresses, criticality (1-5, used in incident severity) and
 * security level (cấp độ 1-5, Decree 85/2016/NĐ-CP); add and edit one, remove one, import a CSV (problems shown by
 * line and field), and the hosts seen in the logs but not inventoried, each one click from the form. An agency
 * administrator sees and edits only its own agency (the API's store scope decides; the picker only follows it).
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useAgencyNames } from '../agency-names.js';
import { api, qs } from '../api.js';
import { fmtDateTime, useApp } from '../i18n.js';
import { ErrorBox, Loading, LogText, Panel, useData } from '../ui.js';

const WORDS = {
  vi: {
    title: 'Danh mục tài sản',
    agency: 'Đơn vị',
    pick: 'Chọn đơn vị',
    host: 'Tên máy',
    addresses: 'Địa chỉ IP',
    owner: 'Chủ quản',
    role: 'Vai trò',
    criticality: 'Mức quan trọng',
    securityLevel: 'Cấp độ (NĐ 85)',
    notes: 'Ghi chú',
    updated: 'Cập nhật',
    edit: 'Sửa',
    remove: 'Xóa',
    removeAsk: 'Xóa tài sản này khỏi danh mục?',
    save: 'Lưu tài sản',
    cancel: 'Hủy',
    addTitle: 'Thêm hoặc sửa tài sản',
    none: 'Đơn vị chưa có tài sản nào trong danh mục.',
    critHint: '5: hệ thống trọng yếu (mức độ sự cố tăng một bậc) · 1: máy thử nghiệm (giảm một bậc)',
    import: 'Nhập từ CSV',
    importHint: 'Dòng đầu là tiêu đề: Tên máy, Địa chỉ IP, Chủ quản, Vai trò, Mức quan trọng, Cấp độ, Ghi chú',
    importDo: 'Nhập',
    pickFile: 'Chọn tệp CSV…',
    noFile: 'chưa chọn tệp nào (hoặc dán nội dung vào ô dưới)',
    written: 'Đã ghi {n} tài sản.',
    count: 'Tài sản',
    r_required: 'bắt buộc',
    r_int: 'phải là số nguyên từ 1 đến 5, đang là',
    r_ip: 'không phải địa chỉ IP:',
    r_header: 'dòng tiêu đề không có cột tên máy',
    line: 'Dòng',
    learned: 'Máy thấy trong log nhưng chưa có trong danh mục',
    learnedNone: 'Mọi máy gửi log đều đã có trong danh mục.',
    lastSeen: 'Thấy lần cuối',
    complete: 'Bổ sung',
    viewOnly: 'Bạn chỉ có quyền xem danh mục này.',
  },
  en: {
    title: 'Asset inventory',
    agency: 'Agency',
    pick: 'Choose an agency',
    host: 'Host',
    addresses: 'IP addresses',
    owner: 'Owner',
    role: 'Role',
    criticality: 'Criticality',
    securityLevel: 'Security level (Decree 85)',
    notes: 'Notes',
    updated: 'Updated',
    edit: 'Edit',
    remove: 'Remove',
    removeAsk: 'Remove this asset from the inventory?',
    save: 'Save asset',
    cancel: 'Cancel',
    addTitle: 'Add or edit an asset',
    none: 'This agency has no asset in the inventory yet.',
    critHint: '5: vital system (incident severity one level up) · 1: test box (one level down)',
    import: 'Import a CSV',
    importHint: 'First line is the header: host, addresses, owner, role, criticality, securityLevel, notes',
    importDo: 'Import',
    pickFile: 'Choose a CSV file…',
    noFile: 'no file chosen (or paste the content below)',
    written: '{n} assets written.',
    count: 'Assets',
    r_required: 'required',
    r_int: 'must be an integer 1-5, got',
    r_ip: 'not an IP address:',
    r_header: 'no host column in the header',
    line: 'Line',
    learned: 'Hosts seen in the logs but not in the inventory',
    learnedNone: 'Every host sending logs is in the inventory.',
    lastSeen: 'Last seen',
    complete: 'Add to the inventory',
    viewOnly: 'You may only read this inventory.',
  },
};
type Words = (typeof WORDS)['vi'];

interface Asset {
  id: string;
  agencyId: string;
  host: string;
  addresses: string[];
  owner?: string;
  role?: string;
  criticality: number;
  securityLevel?: number;
  notes?: string;
  updatedBy?: string;
  updatedAt?: number;
}

interface Problem {
  line?: number;
  field: string;
  reason: string;
}

/** A server problem in the page's words: the field by its column name, the usual reasons translated. */
function problemText(w: Words, p: Problem): string {
  const field = (w as Record<string, string>)[p.field] ?? p.field;
  const reason = p.reason
    .replace(/^required(, 1-5)?$/, w.r_required)
    .replace(/^must be an integer 1-5, got /, `${w.r_int} `)
    .replace(/^not an IP address:/, w.r_ip)
    .replace(/^no host column in the header$/, w.r_header);
  return `${field}: ${reason}`;
}

const EMPTY = { host: '', addresses: '', owner: '', role: '', criticality: '3', securityLevel: '', notes: '' };
type Form = typeof EMPTY;

const formOf = (a: Asset): Form => ({
  host: a.host,
  addresses: a.addresses.join(', '),
  owner: a.owner ?? '',
  role: a.role ?? '',
  criticality: String(a.criticality),
  securityLevel: a.securityLevel ? String(a.securityLevel) : '',
  notes: a.notes ?? '',
});

function AssetForm({
  w,
  agencyId,
  form,
  setForm,
  onSaved,
}: {
  w: Words;
  agencyId: string;
  form: Form;
  setForm: (f: Form) => void;
  onSaved: () => void;
}) {
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('PUT', '/api/v1/assets', {
        agencyId,
        host: form.host.trim(),
        addresses: form.addresses,
        criticality: Number(form.criticality),
        ...(form.securityLevel ? { securityLevel: Number(form.securityLevel) } : {}),
        ...(form.owner.trim() ? { owner: form.owner } : {}),
        ...(form.role.trim() ? { role: form.role } : {}),
        ...(form.notes.trim() ? { notes: form.notes } : {}),
      });
      setForm(EMPTY);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const field = (k: keyof Form) => ({
    value: form[k],
    name: k,
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value }),
  });
  const levels = (blank: boolean) => (
    <>
      {blank ? <option value="">—</option> : null}
      {[1, 2, 3, 4, 5].map((n) => (
        <option key={n} value={String(n)}>
          {n}
        </option>
      ))}
    </>
  );
  return (
    <Panel title={w.addTitle}>
      <form className="filters" onSubmit={submit} data-testid="asset-form">
        <label>
          {w.host}
          <input {...field('host')} size={20} />
        </label>
        <label>
          {w.addresses}
          <input {...field('addresses')} size={24} />
        </label>
        <label>
          {w.owner}
          <input {...field('owner')} size={22} />
        </label>
        <label>
          {w.role}
          <input {...field('role')} size={22} />
        </label>
        <label title={w.critHint}>
          {w.criticality}
          <select {...field('criticality')}>{levels(false)}</select>
        </label>
        <label>
          {w.securityLevel}
          <select {...field('securityLevel')}>{levels(true)}</select>
        </label>
        <label>
          {w.notes}
          <input {...field('notes')} size={24} />
        </label>
        <button type="submit" disabled={!form.host.trim()}>
          {w.save}
        </button>
        {form.host ? (
          <button type="button" className="link" onClick={() => setForm(EMPTY)}>
            {w.cancel}
          </button>
        ) : null}
      </form>
      <p className="small muted">{w.critHint}</p>
      <ErrorBox error={error} />
    </Panel>
  );
}

function Import({ w, agencyId, onDone }: { w: Words; agencyId: string; onDone: () => void }) {
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('');
  const [result, setResult] = useState<{ written: number; problems: Problem[] }>();
  const [error, setError] = useState<unknown>();
  const run = async () => {
    setError(undefined);
    try {
      setResult(await api('POST', '/api/v1/assets/import', { agencyId, csv }));
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Panel title={w.import}>
      <p className="small muted">{w.importHint}</p>
      {/* The browser's own file button speaks the browser's language ("Choose File"): ours speaks the console's. */}
      <label className="file-pick">
        <input
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            const file = e.target.files?.[0];
            setFileName(file?.name ?? '');
            void file?.text().then(setCsv);
          }}
          data-testid="asset-csv-file"
        />
        <span className="file-pick-button">{w.pickFile}</span>{' '}
        <span className="muted small">{fileName ? <LogText text={fileName} /> : w.noFile}</span>
      </label>
      <textarea rows={4} value={csv} onChange={(e) => setCsv(e.target.value)} data-testid="asset-csv" />
      <button type="button" disabled={!csv.trim()} onClick={run}>
        {w.importDo}
      </button>
      <ErrorBox error={error} />
      {result ? (
        <div data-testid="asset-import-result">
          <p>{w.written.replace('{n}', String(result.written))}</p>
          {result.problems.length ? (
            <ul className="error-text small">
              {result.problems.map((p) => (
                <li key={`${p.line}:${p.field}:${p.reason}`}>
                  {w.line} {p.line}: <LogText text={problemText(w, p)} />
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </Panel>
  );
}

/** The asset page; `agency` from the address (/assets?agency=...), else the caller's own or the first. */
export function AssetsPage({ agency }: { agency?: string }) {
  const { lang, me, navigate } = useApp();
  const w = WORDS[lang];
  const names = useAgencyNames();
  const agencyId = me.agencyId ?? agency ?? names.list[0]?.id;
  const canEdit = me.role === 'admin' || me.role === 'analyst' || me.role === 'agency_admin';
  const [form, setForm] = useState<Form>(EMPTY);
  const [error, setError] = useState<unknown>();
  // Another agency chosen: a half-filled form belongs to the previous one.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on the agency's change only
  useEffect(() => setForm(EMPTY), [agencyId]);
  const list = useData(
    () =>
      agencyId
        ? api<{ items: Asset[] }>('GET', `/api/v1/assets${qs({ agencyId })}`)
        : Promise.resolve({ items: [] as Asset[] }),
    [agencyId],
  );
  const learned = useData(
    () =>
      agencyId
        ? api<{ items: { host: string; lastSeen: number }[] }>('GET', `/api/v1/assets/learned${qs({ agencyId })}`)
        : Promise.resolve({ items: [] }),
    [agencyId],
  );
  const reload = () => {
    list.reload();
    learned.reload();
  };
  const remove = async (a: Asset) => {
    if (!confirm(`${w.removeAsk}\n${a.host}`)) return;
    setError(undefined);
    try {
      await api('DELETE', `/api/v1/assets/${encodeURIComponent(a.id)}`);
    } catch (err) {
      setError(err);
    }
    reload();
  };
  return (
    <div className="assets">
      <h1>
        {w.title}
        {agencyId ? ` · ${names.label(agencyId)}` : ''}
      </h1>
      {me.agencyId ? null : (
        <label className="filters">
          {w.agency}{' '}
          <select
            value={agencyId ?? ''}
            onChange={(e) => navigate(`/assets${qs({ agency: e.target.value })}`)}
            data-testid="asset-agency"
          >
            {names.list.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {!canEdit ? <p className="muted">{w.viewOnly}</p> : null}
      <ErrorBox error={error ?? list.error} />
      {!list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <p className="muted">{w.none}</p>
      ) : (
        <Panel title={`${w.count} (${list.data.items.length})`}>
          <table className="grid" data-testid="assets">
            <thead>
              <tr>
                <th>{w.host}</th>
                <th>{w.role}</th>
                <th>{w.owner}</th>
                <th>{w.addresses}</th>
                <th>{w.criticality}</th>
                <th>{w.securityLevel}</th>
                <th>{w.updated}</th>
                {canEdit ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {[...list.data.items]
                .sort((a, b) => b.criticality - a.criticality || a.host.localeCompare(b.host))
                .map((a) => (
                  <tr key={a.id} data-host={a.host}>
                    <td>
                      <strong>
                        <LogText text={a.host} />
                      </strong>
                      {a.notes ? (
                        <div className="small muted">
                          <LogText text={a.notes} />
                        </div>
                      ) : null}
                    </td>
                    <td>
                      <LogText text={a.role ?? ''} />
                    </td>
                    <td>
                      <LogText text={a.owner ?? ''} />
                    </td>
                    <td className="small">{a.addresses.join(', ')}</td>
                    <td>
                      <span className={`crit crit-${a.criticality}`}>{a.criticality}</span>
                    </td>
                    <td>{a.securityLevel ?? '—'}</td>
                    <td className="small">
                      {a.updatedAt ? fmtDateTime(a.updatedAt) : ''} {a.updatedBy?.replace(/^(user|key):/, '') ?? ''}
                    </td>
                    {canEdit ? (
                      <td>
                        <button type="button" className="link small" onClick={() => setForm(formOf(a))}>
                          {w.edit}
                        </button>{' '}
                        <button type="button" className="link small" onClick={() => remove(a)}>
                          {w.remove}
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
            </tbody>
          </table>
        </Panel>
      )}
      {canEdit && agencyId ? (
        <>
          <AssetForm w={w} agencyId={agencyId} form={form} setForm={setForm} onSaved={reload} />
          <Import w={w} agencyId={agencyId} onDone={reload} />
        </>
      ) : null}
      <Panel title={w.learned}>
        {!learned.data ? (
          <Loading />
        ) : learned.data.items.length === 0 ? (
          <p className="muted">{w.learnedNone}</p>
        ) : (
          <table className="grid" data-testid="assets-learned">
            <thead>
              <tr>
                <th>{w.host}</th>
                <th>{w.lastSeen}</th>
                {canEdit ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {learned.data.items.map((h) => (
                <tr key={h.host}>
                  <td>
                    <LogText text={h.host} />
                  </td>
                  <td className="small">{fmtDateTime(h.lastSeen)}</td>
                  {canEdit ? (
                    <td>
                      <button
                        type="button"
                        className="link small"
                        onClick={() => setForm({ ...EMPTY, host: h.host.toLowerCase() })}
                      >
                        {w.complete}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
