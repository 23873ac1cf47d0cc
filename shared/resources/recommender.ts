import {
  CreateRecommenderCommand,
  DescribeRecommenderCommand,
  type PersonalizeClient,
  UpdateRecommenderCommand,
} from '@aws-sdk/client-personalize';
import type { ParameterFile } from '../config/types.js';
import { createdNow, failed, pending, type StepOutcome } from '../workflow/outcome.js';
import { describeOrUndefined, drift, foreignGroup, leaves } from './named.js';
import { type AccountScope, personalizeArn } from './scope.js';
import { isAlreadyExists, isInUse, rejectable } from './sdk-errors.js';
import { reconcile } from './updatable.js';

/**
 * A recommender's recipe is fixed at creation (a different recipe is drift the
 * user must resolve); its recommenderConfig is updated in place.
 */

export interface DesiredRecommender {
  readonly datasetGroupArn: string;
  readonly serviceConfig: NonNullable<ParameterFile['recommenders']>[number]['serviceConfig'];
}

const LABEL = 'recommender';

/**
 * Creates the recommender, waits for it, or updates its recommenderConfig keys.
 * @throws RequestRejectedError when Personalize refuses the create or update as invalid; other SDK errors unchanged.
 */
export async function ensureRecommender(
  client: PersonalizeClient,
  scope: AccountScope,
  desired: DesiredRecommender,
): Promise<StepOutcome> {
  const { serviceConfig, datasetGroupArn } = desired;
  const name = serviceConfig.name ?? '';
  const recommenderArn = personalizeArn(scope, 'recommender', name);
  const recommender = (await describeOrUndefined(() => client.send(new DescribeRecommenderCommand({ recommenderArn }))))
    ?.recommender;
  if (!recommender) {
    try {
      const created = await rejectable(LABEL, name, () =>
        client.send(new CreateRecommenderCommand({ ...serviceConfig, datasetGroupArn })),
      );
      return createdNow(pending('CREATE PENDING', created.recommenderArn ?? recommenderArn));
    } catch (error) {
      if (isAlreadyExists(error)) return pending('CREATE PENDING', recommenderArn);
      throw error;
    }
  }
  const foreign = foreignGroup(LABEL, recommenderArn, datasetGroupArn, recommender.datasetGroupArn);
  if (foreign) return foreign;
  const recipe = drift({ recipeArn: serviceConfig.recipeArn }, { recipeArn: recommender.recipeArn });
  if (recipe.length > 0) {
    return failed(`${LABEL} ${recommenderArn} differs from the parameter file: ${recipe.join('; ')}`, recommenderArn);
  }
  const { recommenderConfig } = serviceConfig;
  const latest = recommender.latestRecommenderUpdate;
  const decision = reconcile(
    LABEL,
    recommenderArn,
    {
      status: recommender.status,
      failureReason: recommender.failureReason,
      fields: leaves({ recommenderConfig: recommender.recommenderConfig }),
      ...(latest
        ? {
            latestUpdate: {
              status: latest.status,
              failureReason: latest.failureReason,
              fields: leaves({ recommenderConfig: latest.recommenderConfig }),
            },
          }
        : {}),
    },
    leaves({ recommenderConfig }),
  );
  if (decision.type === 'outcome') return decision.outcome;
  try {
    await rejectable(LABEL, name, () =>
      client.send(new UpdateRecommenderCommand({ recommenderArn, recommenderConfig })),
    );
  } catch (error) {
    // Another delivery of this step started the update first.
    if (isInUse(error)) return pending('UPDATE IN_PROGRESS', recommenderArn);
    throw error;
  }
  return createdNow(pending('UPDATE PENDING', recommenderArn));
}
