/** The part of jstat (CommonJS, no bundled types) that ferbench uses: Student's t quantile. */
declare module 'jstat' {
  const jstat: {
    jStat: {
      studentt: {
        /** The p-quantile of Student's t with `dof` degrees of freedom (dof may be fractional). */
        inv(p: number, dof: number): number
      }
    }
  }
  export default jstat
}
