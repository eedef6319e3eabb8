/** Console strings of entity grouping's merges and the per-agency switches of installed SigmaHQ rules. */

export const GROUPING_VI = {
  actMerge: 'gộp sự cố khác vào đây',
  actMerged: 'đã gộp vào sự cố khác',
  mergedInto: 'Sự cố này đã được gộp vào',
  mergedIntoHelp: 'Một cảnh báo nối hai sự cố qua cùng một thực thể: đây là cùng một cuộc tấn công.',
  agencySwitches: 'Bật/tắt theo đơn vị',
  agencySwitchesHelp:
    'Luật này thuộc gói SigmaHQ đã cài. Mỗi đơn vị có thể tắt luật cho riêng log của mình; đơn vị khác không bị ảnh hưởng. Có hiệu lực ngay, được ghi nhật ký.',
  onForAgency: 'Đang bật',
  offForAgency: 'Đã tắt cho đơn vị',
  switchOff: 'Tắt cho đơn vị',
  switchOn: 'Bật lại',
  pkgSigmahq: 'Gói SigmaHQ đã cài',
};

export const GROUPING_EN: Record<keyof typeof GROUPING_VI, string> = {
  actMerge: 'merged another incident into this one',
  actMerged: 'merged into another incident',
  mergedInto: 'This incident was merged into',
  mergedIntoHelp: 'An alert linked the two incidents through a shared entity: they are one attack.',
  agencySwitches: 'On or off per agency',
  agencySwitchesHelp:
    'This rule comes from the installed SigmaHQ package. Each agency may switch it off for its own logs only; other agencies keep it. Takes effect at once, audited.',
  onForAgency: 'On',
  offForAgency: 'Off for this agency',
  switchOff: 'Switch off for the agency',
  switchOn: 'Switch back on',
  pkgSigmahq: 'Installed SigmaHQ package',
};
