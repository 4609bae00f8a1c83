/** `toFeatureStore(store, { entity, group })`: where feature rows are written. */
export interface FeatureStoreSinkNode {
  readonly kind: 'featureStore';
  /** A local folder or `s3://bucket/prefix`. */
  readonly root: string;
  readonly entity: string;
  readonly group: string;
  readonly endpoint?: string;
  readonly region?: string;
}
