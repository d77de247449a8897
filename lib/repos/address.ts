// Moved to lib/net/address.ts (below lib/git, lib/repos and lib/forge); kept until lib/forge imports it from there.
export * from "../net/address.ts";
