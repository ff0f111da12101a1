/** The availability engine: pure, clock injected, shared by the extension and the server. */
export type { AvailabilityRules, FreeSlotsInput, Interval, TimeRange, Weekday } from './types';
export { DEFAULT_RULES } from './types';
export { expandIntervals, intersectIntervals, mergeIntervals, subtractIntervals } from './ranges';
export { freeSlots, groupSlotsByDay, isSlotFree } from './slots';
export type { LoopRules, LoopSlot, PanelInput, PanelSession, Person, PersonRules, PlacedSession } from './panel-types';
export { freeLoops, placeLoop } from './panel';
