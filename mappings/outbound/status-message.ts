/**
 * The parts of an IDoc status record shared by ALEAUD01 (E1STATE) and SYSTAT01 (E1STATS): text,
 * up to four parameters and the message that explains it, as SAP shows them in WE02/BD87.
 */
export interface StatusMessage {
  /** STATXT, up to 70 characters (longer texts are shortened). SAP shows it with &1..&4 replaced by the parameters. */
  text?: string;
  /** STAPA1..STAPA4. Values longer than 20 characters also go to STAPAn_LNG (50). */
  parameters?: readonly string[];
  /** The message behind the status: STAMQU qualifier (e.g. 'SAP'), STAMID message class, STAMNO number. */
  message?: { qualifier?: string; id: string; number: string };
}

export function statusMessageFields(status: StatusMessage): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = { STATXT: status.text };
  (status.parameters ?? []).slice(0, 4).forEach((parameter, index) => {
    values[`STAPA${index + 1}`] = parameter;
    if ([...parameter].length > 20) values[`STAPA${index + 1}_LNG`] = parameter;
  });
  if (status.message) {
    values.STAMQU = status.message.qualifier;
    values.STAMID = status.message.id;
    values.STAMNO = status.message.number;
  }
  return values;
}
