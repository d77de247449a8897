import { SecretKeyError } from "../credentials/key.ts";
import { ActionError } from "./define.ts";

/**
 * Runs the work of an action that stores secrets: a missing secret key says what could not be stored (`what`:
 * "credentials", "connections"); every other DomainError reaches the form as it is.
 */
export async function storingSecrets<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof SecretKeyError) throw new ActionError(`${what} cannot be stored: ${e.message}`);
    throw e;
  }
}
