/**
 * The part of the WebAssembly JavaScript API that ferbench uses (src/robust/wasm/kernelInstance.ts):
 * Node has it as a global, but its typings live in TypeScript's DOM library, which this project
 * leaves out.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array)
  }
  class Instance {
    constructor(module: Module, imports: Record<string, never>)
    readonly exports: Record<string, unknown>
  }
  class Memory {
    readonly buffer: ArrayBuffer
    grow(pages: number): number
  }
  class Global {
    readonly value: number | bigint
  }
}
