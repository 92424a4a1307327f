// The startup exchange: StartupMessage, then whatever authentication the server asks for
// (cleartext, MD5, SCRAM-SHA-256 with or without channel binding), then the session's
// parameters and cancel key, up to the first ReadyForQuery.

import { BackendMessage } from '../../codec/protocol/message-types.js';
import {
  parseAuthentication, parseBackendKeyData, parseErrorFields,
  writePassword, writeSASLInitialResponse, writeSASLResponse, writeStartup,
} from '../../codec/protocol/index.js';
import { postgresErrorFrom } from '../../codec/errors/index.js';
import { AuthenticationError, ProtocolError } from '../../codec/errors/client-errors.js';
import { md5Password } from '../auth/md5.js';
import { ScramClient, chooseSaslMechanism } from '../auth/scram.js';
import { tlsServerEndPointHash } from '../auth/channel-binding.js';
import type { PgConnection } from '../connection.js';
import { Operation, Progress } from './operation.js';

export type AuthMethod = 'trust' | 'password' | 'md5' | 'scram-sha-256' | 'scram-sha-256-plus';

export interface StartupRequest {
  user: string;
  password: string | undefined;
  startupParameters: Record<string, string>;
  channelBinding: 'disable' | 'prefer' | 'require';
  /** The server certificate when the connection uses TLS (for SCRAM-SHA-256-PLUS). */
  peerCertificate: Uint8Array | undefined;
  /** Methods the client accepts (libpq's require_auth); undefined accepts all. */
  allowedMethods?: readonly AuthMethod[];
}

export class Startup extends Operation {
  private connection!: PgConnection;
  private scram: ScramClient | undefined;
  /** How the server authenticated us, for diagnostics and require_auth. */
  method: AuthMethod = 'trust';

  constructor(
    private readonly request: StartupRequest,
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {
    super();
  }

  start(connection: PgConnection): boolean {
    this.connection = connection;
    writeStartup(connection.out, this.request.startupParameters);
    return true;
  }

  onMessage(type: number, bytes: Uint8Array, _view: DataView, start: number, end: number): void {
    switch (type) {
      case BackendMessage.Authentication:
        return this.authenticate(parseAuthentication(bytes, start, end));
      case BackendMessage.BackendKeyData: {
        const key = parseBackendKeyData(bytes, start, end);
        this.connection.processId = key.processId;
        this.connection.secretKey = key.secretKey;
        return;
      }
      case BackendMessage.ErrorResponse:
        this.noteError(postgresErrorFrom(parseErrorFields(bytes, start, end)));
        return;
      case BackendMessage.NegotiateProtocolVersion:
        return;
      default:
        throw new ProtocolError(`unexpected message '${String.fromCharCode(type)}' during startup`);
    }
  }

  private authenticate(message: ReturnType<typeof parseAuthentication>): void {
    const out = this.connection.out;
    switch (message.kind) {
      case 'Ok':
        if (this.request.channelBinding === 'require' && this.method !== 'scram-sha-256-plus') {
          return void this.abort(new AuthenticationError('channel_binding=require, but the server authenticated without channel binding: use a server with SCRAM and TLS, or relax channelBinding'));
        }
        this.checkAllowed();
        return;
      case 'CleartextPassword':
        this.method = 'password';
        if (!this.checkAllowed() || !this.checkBindingNotRequired()) return;
        writePassword(out, this.password());
        break;
      case 'MD5Password':
        this.method = 'md5';
        if (!this.checkAllowed() || !this.checkBindingNotRequired()) return;
        writePassword(out, md5Password(this.request.user, this.password(), message.salt));
        break;
      case 'SASL': {
        const choice = chooseSaslMechanism(message.mechanisms, this.request.peerCertificate !== undefined, this.request.channelBinding);
        const binding = choice.useBinding && this.request.peerCertificate
          ? { type: 'tls-server-end-point' as const, data: tlsServerEndPointHash(this.request.peerCertificate) }
          : null;
        this.method = binding ? 'scram-sha-256-plus' : 'scram-sha-256';
        if (!this.checkAllowed()) return;
        // 'y' tells the server we could bind but think it cannot; with binding disabled we send 'n'.
        const tlsAvailable = this.request.peerCertificate !== undefined && this.request.channelBinding !== 'disable';
        this.scram = new ScramClient(this.password(), binding, undefined, tlsAvailable);
        writeSASLInitialResponse(out, this.scram.mechanism, this.scram.clientFirstMessage());
        break;
      }
      case 'SASLContinue':
        if (!this.scram) throw new ProtocolError('SASLContinue without a SASL exchange');
        writeSASLResponse(out, this.scram.handleServerFirst(message.data));
        break;
      case 'SASLFinal':
        if (!this.scram) throw new ProtocolError('SASLFinal without a SASL exchange');
        // A server that cannot prove it knows the password is not the server we meant to reach.
        this.scram.verifyServerFinal(message.data);
        return;
      default:
        return void this.abort(new AuthenticationError(`the server asks for ${message.kind} authentication, which pgloom does not support: configure password, md5 or scram-sha-256 in pg_hba.conf`));
    }
    this.connection.flush();
  }

  private password(): string {
    if (this.request.password === undefined) {
      throw this.abort(new AuthenticationError(`the server requires a password for user "${this.request.user}" but none was given: set password in the options or DSN, PGPASSWORD, or ~/.pgpass`));
    }
    return this.request.password;
  }

  private checkAllowed(): boolean {
    const allowed = this.request.allowedMethods;
    if (allowed && !allowed.includes(this.method)) {
      this.abort(new AuthenticationError(`the server asked for ${this.method} authentication, which requireAuth (${allowed.join(',')}) does not allow`));
      return false;
    }
    return true;
  }

  private checkBindingNotRequired(): boolean {
    if (this.request.channelBinding === 'require') {
      this.abort(new AuthenticationError(`channel_binding=require, but the server asked for ${this.method} authentication: it needs SCRAM over TLS`));
      return false;
    }
    return true;
  }

  /** Authentication cannot go on: fail the startup and drop the socket. */
  private abort(error: Error): Error {
    this.noteError(error);
    this.connection.destroy(error);
    return error;
  }

  onReady(): Progress {
    if (this.error) this.reject(this.error);
    else this.resolve();
    return Progress.Done;
  }

  fail(error: Error): void {
    this.reject(this.error ?? error);
  }
}
