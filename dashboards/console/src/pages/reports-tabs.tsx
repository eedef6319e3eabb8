/**
 * The tabs of the Reports section: periodic reports, compliance, incident notifications, and (province-wide
 * analysts and administrators) the export to the monitoring centre. One navigation entry leads here.
 */
import type { MouseEvent } from 'react';
import { useApp } from '../i18n.js';
import './reports.css';

const TABS = [
  { path: '/reports', vi: 'Báo cáo định kỳ', en: 'Periodic reports' },
  { path: '/compliance', vi: 'Tuân thủ theo cấp độ', en: 'Compliance' },
  { path: '/notifications', vi: 'Báo cáo sự cố', en: 'Incident notifications' },
  {
    path: '/export',
    vi: 'Chia sẻ lên trung tâm giám sát',
    en: 'Monitoring centre export',
    roles: ['admin', 'analyst'],
  },
];

/** Paths of the section (the navigation marks its entry active on each). */
export const REPORT_PATHS = TABS.map((t) => t.path);

/** The tab strip. */
export function ReportTabs({ active }: { active: string }) {
  const { lang, me, navigate } = useApp();
  const go = (to: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(to);
  };
  return (
    <nav className="report-tabs" aria-label={lang === 'vi' ? 'Báo cáo' : 'Reports'}>
      {TABS.filter((t) => !t.roles || (t.roles.includes(me.role) && !me.agencyId)).map((t) => (
        <a
          key={t.path}
          href={t.path}
          onClick={go(t.path)}
          className={t.path === active ? 'active' : undefined}
          aria-current={t.path === active ? 'page' : undefined}
        >
          {t[lang]}
        </a>
      ))}
    </nav>
  );
}
