import { ActionForm, type FormAction } from "./action-form.tsx";

/** A one-button form for what cannot be undone (revoke, delete, disconnect): a red button that asks first. */
export function DangerAction({
  action,
  submit,
  fields,
  confirm,
}: {
  action: FormAction;
  submit: string;
  /** What it acts on (`{ tokenId: t.id }`). */
  fields: Record<string, string>;
  confirm: string;
}) {
  return <ActionForm action={action} submit={submit} danger className="row-flex" fields={fields} confirm={confirm} />;
}

/**
 * A one-button form that replaces a secret (a password, a webhook secret): it asks first, since the old one
 * stops working, and shows the new one once.
 */
export function ReplaceSecretAction({
  action,
  submit,
  fields,
  reveal,
  confirm,
}: {
  action: FormAction;
  submit: string;
  fields: Record<string, string>;
  /** Which key of the action's result is the new secret, and what the notice calls it. */
  reveal: { key: string; label: string };
  confirm: string;
}) {
  return <ActionForm action={action} submit={submit} className="row-flex" fields={fields} reveal={reveal} confirm={confirm} />;
}
