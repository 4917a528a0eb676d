/**
 * The preload exposes one small bridge and nothing else (contextIsolation + sandbox on).
 * It forwards raw calls and events; validation happens in the main process.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CHANNELS, type RedkBridge } from '../shared/ipc';

const bridge: RedkBridge = {
  invoke: (method, input, session) => ipcRenderer.invoke(IPC_CHANNELS.rpc, String(method), input, typeof session === 'string' ? session : null),
  subscribe: (listener) => {
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(IPC_CHANNELS.event, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_CHANNELS.event, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('redkBridge', bridge);
