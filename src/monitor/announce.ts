/**
 * A process-wide announcement of each new runtime, for tools outside the user's code:
 * `hotpath profile` preloads a module that subscribes here and adds its observer to every
 * runtime the profiled program creates. It rides on node:diagnostics_channel (named channels
 * are shared by every copy of hotpath loaded in a thread), so nothing is stored here, and with
 * no subscriber an announcement costs one boolean check per createRuntime.
 */
import diagnostics from 'node:diagnostics_channel';
import type { CallObserver } from './call.js';

/** The channel's name; its messages are RuntimeAnnouncement objects. */
export const RUNTIME_CHANNEL = 'hotpath:runtime';

/** What a subscriber of RUNTIME_CHANNEL receives: the new runtime's id and its observe(). */
export interface RuntimeAnnouncement {
  readonly id: string;
  /** Adds an observer of every kernel call of that runtime; returns the function that removes it. */
  readonly observe: (observer: CallObserver) => () => void;
}

/**
 * Tells RUNTIME_CHANNEL's subscribers (if any) that a runtime was created.
 * @example announceRuntime({ id: hp.id, observe: (o) => hp.observe(o) })
 */
export function announceRuntime(announcement: RuntimeAnnouncement): void {
  const channel = diagnostics.channel(RUNTIME_CHANNEL);
  if (channel.hasSubscribers) {
    channel.publish(announcement);
  }
}
