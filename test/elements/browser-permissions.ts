// What the browser decides for this page, set through the DevTools protocol by
// browser-permissions-plugin.mjs: Chromium's own permission and geolocation paths, with our answer.
import { executeServerCommand } from '@web/test-runner-commands';

export type PermissionName = 'geolocation' | 'microphone' | 'clipboard-read' | 'clipboard-write';

/** Grants, denies or resets to asking (`prompt`) one permission for this page's origin. */
export async function setPermission(
  name: PermissionName,
  state: 'granted' | 'denied' | 'prompt',
): Promise<void> {
  await executeServerCommand('permission-set', { name, state });
}

/** Drops every permission set by {@link setPermission}: the browser decides again as launched. */
export async function resetPermissions(): Promise<void> {
  await executeServerCommand('permissions-reset');
}

/** The position `navigator.geolocation` reports from now on. */
export async function setGeolocation(latitude: number, longitude: number): Promise<void> {
  await executeServerCommand('geolocation-set', { latitude, longitude, accuracy: 10 });
}
