/**
 * A bearer token kept in a file that something else rotates (the kubelet's projected service-account
 * token, a kubeconfig `tokenFile`). The file is re-read whenever it changes (inode, size or
 * modification time) and after the server rejects the token, so a rotated token is picked up
 * without restarting.
 */
import { readFileSync, statSync } from "node:fs";
import { AicrError, ErrorCode } from "../../core/errors.ts";
import type { Credentials, CredentialSource } from "./connection.ts";

export class TokenFileSource implements CredentialSource {
  private stamp = "";
  private token = "";

  constructor(
    readonly path: string,
    /** Extra credentials sent alongside the token (a client certificate). */
    private readonly extra: Omit<Credentials, "token"> = {},
  ) {}

  private stampOf(): string {
    const st = statSync(this.path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  }

  async get(): Promise<Credentials> {
    let stamp: string;
    try {
      stamp = this.stampOf();
      if (stamp !== this.stamp || this.token === "") {
        this.token = readFileSync(this.path, "utf8").trim();
        this.stamp = stamp;
      }
    } catch (err) {
      throw new AicrError(ErrorCode.Unauthorized, `cannot read token file ${this.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (this.token === "") throw new AicrError(ErrorCode.Unauthorized, `token file ${this.path} is empty`);
    return { ...this.extra, token: this.token };
  }

  invalidate(): void {
    this.stamp = "";
    this.token = "";
  }
}
