/** fast-check arbitraries for programs: building blocks, broad families, targeted families. */
export { callbackBody, coroBody, executorBody, findingLeaf, mainLoop, soup } from './blocks.ts';
export * from './families.ts';
export * from './targeted.ts';
