// The fixed choices of command options, kept apart from the commands so the program can
// list them without loading each command (and its AWS SDK clients) at start-up.
export const REPORT_FORMATS = ['table', 'json', 'sarif', 'markdown', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const INVENTORY_FORMATS = ['summary', 'json'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
