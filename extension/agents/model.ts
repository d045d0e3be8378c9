// What the window knows about coordination, as the host pushes it: the active reservations and
// the agents. Loaded when the connection becomes ready, then kept current by the host's
// `apiary/lock/changed` and `apiary/agent/changed` notifications; every view renders from here.
import * as vscode from 'vscode';
import {
  type Agent,
  AgentListRequest,
  AgentsChangedNotification,
  LockListRequest,
  type Reservation,
  ReservationsChangedNotification,
} from '../../shared/coordination';
import type { HostClient } from '../client';
import { onConnected } from '../connected';
import { errorText } from './errors';

export class CoordinationModel implements vscode.Disposable {
  private current: Reservation[] = [];
  private agentList: Agent[] = [];
  /** False until the first list arrived: views then ask the host instead of assuming "nothing". */
  loaded = false;
  private position = 0;
  private readonly reservationsEmitter = new vscode.EventEmitter<readonly Reservation[]>();
  private readonly agentsEmitter = new vscode.EventEmitter<readonly Agent[]>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChangeReservations = this.reservationsEmitter.event;
  readonly onDidChangeAgents = this.agentsEmitter.event;

  constructor(
    private readonly client: HostClient,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      client.onNotification(ReservationsChangedNotification, (p) => {
        if (p.position < this.position) return;
        this.position = p.position;
        this.setReservations(p.reservations);
      }),
      client.onNotification(AgentsChangedNotification, (p) => {
        this.agentList = p.agents;
        this.agentsEmitter.fire(p.agents);
      }),
      onConnected(client, () => void this.refresh()),
    );
  }

  get reservations(): readonly Reservation[] {
    return this.current;
  }

  get agents(): readonly Agent[] {
    return this.agentList;
  }

  async refresh(): Promise<void> {
    try {
      const [locks, agents] = await Promise.all([this.client.request(LockListRequest, {}), this.client.request(AgentListRequest, {})]);
      this.setReservations(locks.reservations);
      this.agentList = agents.agents;
      this.agentsEmitter.fire(agents.agents);
    } catch (err) {
      this.output.warn(`Could not load reservations and agents: ${errorText(err)}`);
    }
  }

  private setReservations(list: Reservation[]): void {
    this.current = list;
    this.loaded = true;
    this.reservationsEmitter.fire(list);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.reservationsEmitter.dispose();
    this.agentsEmitter.dispose();
  }
}
