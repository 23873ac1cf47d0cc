import { describe, expect, it } from 'vitest';
import { validate } from '../../../shared/config/validate.js';
import {
  type Doc,
  ecommerceConfig,
  itemsDataset,
  SEED_CONFIGS,
  sampleWith,
  seedConfig,
  seedConfigText,
} from '../../fixtures/configs.js';

const upSolution = (doc: Doc) => doc.solutions[2];
const interactionsSchema = (doc: Doc) => doc.datasets.interactions.schema.serviceConfig.schema;

describe('validate: the seed parameter files', () => {
  it.each(SEED_CONFIGS)('accepts %s exactly as the deprecated solution documented it', (name) => {
    const result = validate(seedConfigText(name));
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

/** [what, change to the seed sample, expected path, expected message] */
type Case = [string, (doc: Doc) => void, string, string];

const cases: Case[] = [
  // required fields
  ['missing datasetGroup', (d) => delete d.datasetGroup, 'datasetGroup', 'is required'],
  [
    'missing dataset group name',
    (d) => delete d.datasetGroup.serviceConfig.name,
    'datasetGroup.serviceConfig.name',
    'is required',
  ],
  ['missing interactions dataset', (d) => delete d.datasets.interactions, 'datasets.interactions', 'is required'],
  [
    'missing solution recipe',
    (d) => delete d.solutions[0].serviceConfig.recipeArn,
    'solutions[0].serviceConfig.recipeArn',
    'is required',
  ],
  [
    'missing filter expression',
    (d) => delete d.filters[1].serviceConfig.filterExpression,
    'filters[1].serviceConfig.filterExpression',
    'is required',
  ],
  [
    'missing schema body',
    (d) => delete d.datasets.users.schema.serviceConfig.schema,
    'datasets.users.schema.serviceConfig.schema',
    'is required',
  ],
  // types
  ['solutions not an array', (d) => (d.solutions = {}), 'solutions', 'must be an array, not an object'],
  [
    'performHPO as a string',
    (d) => (d.solutions[0].serviceConfig.performHPO = 'yes'),
    'solutions[0].serviceConfig.performHPO',
    'must be true or false, not the string "yes"',
  ],
  // unknown keys
  [
    'misspelt key with a suggestion',
    (d) => (d.datasetGroup.serviceConfig.nmae = 'x'),
    'datasetGroup.serviceConfig.nmae',
    'unknown key "nmae"; did you mean "name"?',
  ],
  ['misspelt section', (d) => (d.solution = []), 'solution', 'unknown key "solution"; did you mean "solutions"?'],
  [
    'unrelated key lists what is allowed',
    (d) => (d.eventTracker.serviceConfig.zzzzzzzz = 1),
    'eventTracker.serviceConfig.zzzzzzzz',
    'unknown key "zzzzzzzz"; allowed keys here: name, tags',
  ],
  [
    'fields mpx fills in are rejected',
    (d) => (d.solutions[0].serviceConfig.datasetGroupArn = 'arn'),
    'solutions[0].serviceConfig.datasetGroupArn',
    'unknown key "datasetGroupArn"; allowed keys here: name, performHPO, performAutoML, performAutoTraining, performIncrementalUpdate, recipeArn, eventType, solutionConfig, tags, solutionVersion',
  ],
  // names
  [
    'name with a space',
    (d) => (d.datasetGroup.serviceConfig.name = 'my group'),
    'datasetGroup.serviceConfig.name',
    'must match ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*$ (letters, digits, "-" and "_", starting with a letter or digit)',
  ],
  [
    'name starting with a dash',
    (d) => (d.filters[0].serviceConfig.name = '-f'),
    'filters[0].serviceConfig.name',
    'must match ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*$ (letters, digits, "-" and "_", starting with a letter or digit)',
  ],
  [
    'name too long',
    (d) => (d.solutions[1].serviceConfig.name = 'a'.repeat(64)),
    'solutions[1].serviceConfig.name',
    'must be at most 63 characters (it has 64)',
  ],
  [
    'empty name',
    (d) => (d.eventTracker.serviceConfig.name = ''),
    'eventTracker.serviceConfig.name',
    'must not be empty',
  ],
  // ARNs and enums
  [
    'role ARN shape',
    (d) => (d.datasetGroup.serviceConfig.roleArn = 'role/x'),
    'datasetGroup.serviceConfig.roleArn',
    'must be a role ARN like arn:aws:iam::123456789012:role/name',
  ],
  [
    'KMS ARN shape',
    (d) => (d.datasetGroup.serviceConfig.kmsKeyArn = 'key'),
    'datasetGroup.serviceConfig.kmsKeyArn',
    'must be a kms ARN like arn:aws:kms:us-east-1:123456789012:key/<key id>',
  ],
  [
    'domain enum',
    (d) => (d.datasetGroup.serviceConfig.domain = 'RETAIL'),
    'datasetGroup.serviceConfig.domain',
    'must be one of "ECOMMERCE", "VIDEO_ON_DEMAND", not the string "RETAIL"',
  ],
  [
    'importMode enum',
    (d) => (d.datasets.serviceConfig = { importMode: 'PARTIAL' }),
    'datasets.serviceConfig.importMode',
    'must be one of "FULL", "INCREMENTAL", not the string "PARTIAL"',
  ],
  [
    'trainingMode enum',
    (d) => (d.solutions[2].serviceConfig.solutionVersion = { trainingMode: 'AUTOTRAIN' }),
    'solutions[2].serviceConfig.solutionVersion.trainingMode',
    'must be one of "FULL", "UPDATE", not the string "AUTOTRAIN"',
  ],
  [
    'unknown recipe',
    (d) => (d.solutions[0].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-magic'),
    'solutions[0].serviceConfig.recipeArn',
    'is not a custom Personalize recipe ARN: use arn:aws:personalize:::recipe/<name> with one of aws-user-personalization, aws-user-personalization-v2, aws-personalized-ranking, aws-personalized-ranking-v2, aws-popularity-count, aws-trending-now, aws-sims, aws-similar-items, aws-item-affinity, aws-item-attribute-affinity, aws-next-best-action, aws-hrnn, aws-hrnn-metadata, aws-hrnn-coldstart',
  ],
  // Avro schemas
  [
    'schema type not record',
    (d) => (interactionsSchema(d).type = 'enum'),
    'datasets.interactions.schema.serviceConfig.schema.type',
    'must be "record"',
  ],
  [
    'missing required interactions field',
    (d) => interactionsSchema(d).fields.splice(2, 1),
    'datasets.interactions.schema.serviceConfig.schema.fields',
    'the interactions schema needs a TIMESTAMP field of type long',
  ],
  [
    'reserved field with the wrong type',
    (d) => (interactionsSchema(d).fields[2].type = 'string'),
    'datasets.interactions.schema.serviceConfig.schema.fields[2].type',
    'TIMESTAMP must be of type long in the interactions schema',
  ],
  [
    'nested type',
    (d) => (interactionsSchema(d).fields[4].type = { type: 'array', items: 'string' }),
    'datasets.interactions.schema.serviceConfig.schema.fields[4].type',
    'type must be a type name such as "string", or a union such as ["null", "string"]; nested types are not supported',
  ],
  [
    'categorical on a number',
    (d) => (d.datasets.users.schema.serviceConfig.schema.fields[1].categorical = true),
    'datasets.users.schema.serviceConfig.schema.fields[1].categorical',
    'only string fields can be categorical',
  ],
  [
    'users schema without metadata',
    (d) => d.datasets.users.schema.serviceConfig.schema.fields.splice(1, 2),
    'datasets.users.schema.serviceConfig.schema.fields',
    'the users schema needs at least one field besides USER_ID',
  ],
  // duplicates
  [
    'duplicate schema names',
    (d) => (d.datasets.interactions.schema.serviceConfig.name = 'users-schema'),
    'datasets.interactions.schema.serviceConfig.name',
    'duplicate schema name "users-schema" (also at datasets.users.schema.serviceConfig.name): Personalize schema names are unique per account and region',
  ],
  [
    'duplicate solution names',
    (d) => (d.solutions[1].serviceConfig.name = 'sims-solution'),
    'solutions[1].serviceConfig.name',
    'duplicate solution name "sims-solution" (also at solutions[0].serviceConfig.name): Personalize solution names are unique per account and region',
  ],
  [
    'duplicate campaign names across solutions',
    (d) => (d.solutions[0].campaigns = [{ serviceConfig: { name: 'user-personalization-campaign' } }]),
    'solutions[2].campaigns[0].serviceConfig.name',
    'duplicate campaign name "user-personalization-campaign" (also at solutions[0].campaigns[0].serviceConfig.name): Personalize campaign names are unique per account and region',
  ],
  [
    'duplicate filter names',
    (d) => (d.filters[1].serviceConfig.name = 'clicked-or-streamed'),
    'filters[1].serviceConfig.name',
    'duplicate filter name "clicked-or-streamed" (also at filters[0].serviceConfig.name): Personalize filter names are unique per account and region',
  ],
  [
    'duplicate recommender names',
    (d) => {
      Object.assign(d, ecommerceConfig());
      d.recommenders.push(structuredClone(d.recommenders[0]));
    },
    'recommenders[1].serviceConfig.name',
    'duplicate recommender name "recommended-for-you" (also at recommenders[0].serviceConfig.name): Personalize recommender names are unique per account and region',
  ],
  [
    'recommender recipe of another domain',
    (d) => {
      Object.assign(d, ecommerceConfig());
      d.recommenders[0].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-vod-top-picks';
    },
    'recommenders[0].serviceConfig.recipeArn',
    "aws-vod-top-picks is a VIDEO_ON_DEMAND recipe; this dataset group's domain is ECOMMERCE",
  ],
  [
    'custom recipe on a recommender',
    (d) => {
      Object.assign(d, ecommerceConfig());
      d.recommenders[0].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-sims';
    },
    'recommenders[0].serviceConfig.recipeArn',
    'is not a domain Personalize recipe ARN: use arn:aws:personalize:::recipe/<name> with one of aws-ecomm-popular-items-by-views, aws-ecomm-popular-items-by-purchases, aws-ecomm-frequently-bought-together, aws-ecomm-customers-who-viewed-x-also-viewed, aws-ecomm-recommended-for-you, aws-vod-because-you-watched-x, aws-vod-more-like-x, aws-vod-most-popular, aws-vod-trending-now, aws-vod-top-picks',
  ],
  // domain and recommenders
  [
    'recommenders need a domain dataset group',
    (d) =>
      (d.recommenders = [
        { serviceConfig: { name: 'r', recipeArn: 'arn:aws:personalize:::recipe/aws-vod-top-picks' } },
      ]),
    'recommenders',
    'recommenders need a domain dataset group: set datasetGroup.serviceConfig.domain to ECOMMERCE or VIDEO_ON_DEMAND',
  ],
  [
    'domain schemas in a domain dataset group',
    (d) => {
      Object.assign(d, ecommerceConfig());
      delete d.datasets.users.schema.serviceConfig.domain;
    },
    'datasets.users.schema.serviceConfig',
    'a ECOMMERCE dataset group needs domain schemas: set domain to ECOMMERCE',
  ],
  // recipes and training modes
  [
    'update schedule on a recipe without UPDATE',
    (d) => (d.solutions[0].workflowConfig.schedules.update = 'cron(0 5 * * ? *)'),
    'solutions[0].workflowConfig.schedules.update',
    'UPDATE training is only available for aws-user-personalization and aws-hrnn-coldstart, not aws-sims',
  ],
  [
    'UPDATE training mode on a recipe without UPDATE',
    (d) => (d.solutions[1].serviceConfig.solutionVersion = { trainingMode: 'UPDATE' }),
    'solutions[1].serviceConfig.solutionVersion.trainingMode',
    'UPDATE training is only available for aws-user-personalization and aws-hrnn-coldstart, not aws-popularity-count',
  ],
  [
    'campaign on a segmentation recipe',
    (d) => {
      d.datasets.items = undefined;
      upSolution(d).serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-item-affinity';
      upSolution(d).batchInferenceJobs = undefined;
      upSolution(d).workflowConfig.schedules = {};
    },
    'solutions[2].campaigns',
    'aws-item-affinity (USER_SEGMENTATION) does not support campaigns',
  ],
  [
    'batch segment jobs on a user-personalization recipe',
    (d) => (upSolution(d).batchSegmentJobs = [{ serviceConfig: {} }]),
    'solutions[2].batchSegmentJobs',
    'aws-user-personalization (USER_PERSONALIZATION) does not support batch segment jobs',
  ],
  [
    'recipe that needs an items dataset',
    (d) => (d.solutions[0].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-similar-items'),
    'solutions[0].serviceConfig.recipeArn',
    'aws-similar-items needs a datasets.items dataset',
  ],
  // batch job names
  [
    'generated batch job names too long',
    (d) => (upSolution(d).serviceConfig.name = 'u'.repeat(44)),
    'solutions[2].serviceConfig.name',
    `generated job names "${'u'.repeat(44)}_YYYY_MM_DD_HH_MM_SS" would exceed 63 characters: keep the solution name within 43 characters or set serviceConfig.jobName on the job`,
  ],
  [
    'two batch jobs with one name',
    (d) => upSolution(d).batchInferenceJobs.push({ serviceConfig: { jobName: 'user-personalization-solution' } }),
    'solutions[2].batchInferenceJobs[1].serviceConfig.jobName',
    'two batch jobs of this solution would share the name "user-personalization-solution" (with batchInferenceJobs[0])',
  ],
  // campaigns
  [
    'minProvisionedTPS below 1',
    (d) => (upSolution(d).campaigns[0].serviceConfig.minProvisionedTPS = 0),
    'solutions[2].campaigns[0].serviceConfig.minProvisionedTPS',
    'must be at least 1',
  ],
  [
    'fractional minProvisionedTPS',
    (d) => (upSolution(d).campaigns[0].serviceConfig.minProvisionedTPS = 1.5),
    'solutions[2].campaigns[0].serviceConfig.minProvisionedTPS',
    'must be a whole number',
  ],
  // schedules
  [
    'import schedule with five fields',
    (d) => (d.datasetGroup.workflowConfig.schedules.import = 'cron(0 */6 * * ?)'),
    'datasetGroup.workflowConfig.schedules.import',
    'cron expression "cron(0 */6 * * ?)" has 5 field(s); AWS cron needs 6: minutes hours day-of-month month day-of-week year',
  ],
  [
    'cron with both day fields',
    (d) => (d.solutions[0].workflowConfig.schedules.full = 'cron(0 0 * * 1 *)'),
    'solutions[0].workflowConfig.schedules.full',
    'cron expression "cron(0 0 * * 1 *)": exactly one of day-of-month and day-of-week must be "?" (AWS does not allow both day fields)',
  ],
  [
    'weekday 0 (AWS counts 1-7)',
    (d) => (d.solutions[0].workflowConfig.schedules.full = 'cron(0 0 ? * 0 *)'),
    'solutions[0].workflowConfig.schedules.full',
    'cron expression "cron(0 0 ? * 0 *)": day-of-week field "0" has 0, outside 1-7',
  ],
  [
    'batch segment schedules are validated too',
    (d) => {
      d.datasets.items = itemsDataset();
      d.solutions.push({
        serviceConfig: { name: 'segments', recipeArn: 'arn:aws:personalize:::recipe/aws-item-attribute-affinity' },
        batchSegmentJobs: [{ serviceConfig: {}, workflowConfig: { schedule: 'every day' } }],
      });
    },
    'solutions[3].batchSegmentJobs[0].workflowConfig.schedule',
    '"every day" is not a schedule expression: expected cron(...), rate(...) or at(...)',
  ],
  [
    'rate with the wrong plural',
    (d) => (d.datasetGroup.workflowConfig.schedules.import = 'rate(1 hours)'),
    'datasetGroup.workflowConfig.schedules.import',
    'rate expression "rate(1 hours)" must use "hour" for the value 1',
  ],
  // maxAge
  [
    'unparseable maxAge',
    (d) => (d.datasetGroup.workflowConfig.maxAge = 'a while'),
    'datasetGroup.workflowConfig.maxAge',
    '"a while" is not a duration: use terms like "1 day", "2 weeks", "12 hours", "1 month" (31 days) or "1 year" (365 days)',
  ],
  // tags
  ['tag without a value', (d) => (d.tags = [{ tagKey: 'k' }]), 'tags[0].tagValue', 'is required'],
  [
    'tag with a misspelt key',
    (d) => (d.tags = [{ tagkey: 'k', tagValue: 'v' }]),
    'tags[0].tagkey',
    'unknown key "tagkey"; did you mean "tagKey"?',
  ],
  [
    'more than 50 tags',
    (d) =>
      (d.eventTracker.serviceConfig.tags = Array.from({ length: 51 }, (_, i) => ({ tagKey: `k${i}`, tagValue: 'v' }))),
    'eventTracker.serviceConfig.tags',
    'at most 50 tags are allowed',
  ],
  // filters
  [
    'filter syntax error says where',
    (d) => (d.filters[0].serviceConfig.filterExpression = 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE INN ("click")'),
    'filters[0].serviceConfig.filterExpression',
    'at column 46: expected IN, NOT IN, =, !=, <, <=, > or >= after Interactions.EVENT_TYPE, found "INN"',
  ],
  [
    'filter on a dataset the file does not define',
    (d) => (d.filters[0].serviceConfig.filterExpression = 'EXCLUDE ItemID WHERE Items.GENRE IN ("x")'),
    'filters[0].serviceConfig.filterExpression',
    'at column 22: Items.GENRE refers to a items dataset, which this file does not define',
  ],
  [
    'filter on a field the schema lacks',
    (d) =>
      (d.filters[0].serviceConfig.filterExpression =
        'INCLUDE ItemID WHERE Items.GENRE IN ("x") IF CurrentUser.AGEE > 3'),
    'filters[0].serviceConfig.filterExpression',
    'at column 22: Items.GENRE refers to a items dataset, which this file does not define',
  ],
  [
    'filter IF condition on an unknown user field',
    (d) =>
      (d.filters[0].serviceConfig.filterExpression =
        'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("x") IF CurrentUser.AGEE > 3'),
    'filters[0].serviceConfig.filterExpression',
    'at column 58: the users schema has no field AGEE',
  ],
  [
    'parameters with NOT IN',
    (d) =>
      (d.filters[0].serviceConfig.filterExpression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE NOT IN ($TYPES)'),
    'filters[0].serviceConfig.filterExpression',
    'at column 61: parameters cannot be used with NOT IN; use EXCLUDE ... IN ($PARAM) instead',
  ],
  [
    'AND across datasets',
    (d) =>
      (d.filters[0].serviceConfig.filterExpression =
        'INCLUDE UserID WHERE Users.AGE > 3 AND Interactions.EVENT_TYPE IN ("x")'),
    'filters[0].serviceConfig.filterExpression',
    'at column 40: AND can only join conditions on the same dataset (Users and Interactions); use "|" to combine separate expressions',
  ],
];

describe('validate: every rule reports its path and message', () => {
  it.each(cases)('%s', (_, change, path, message) => {
    const result = validate(sampleWith(change));
    expect(result.ok).toBe(false);
    expect(result.config).toBeUndefined();
    expect(result.errors).toContainEqual({ path, message });
  });
});

describe('validate: syntax', () => {
  it('reports a JSON syntax error with its line and column', () => {
    const result = validate('{\n  "datasetGroup": {\n    "serviceConfig": { "name": "x", }\n  }\n}');
    expect(result.errors).toEqual([
      { path: '', message: 'invalid JSON at line 3, column 37: expected a property name in double quotes' },
    ]);
  });

  it('reports an empty file', () => {
    expect(validate('').errors).toEqual([{ path: '', message: 'invalid JSON: the file is empty' }]);
  });

  it('requires an object at the top', () => {
    expect(validate('[]').errors).toEqual([{ path: '', message: 'the parameter file must be a JSON object' }]);
  });

  it('refuses files over 1 MiB before parsing them', () => {
    const big = `{"x": "${'é'.repeat(600_000)}"}`;
    expect(validate(big).errors).toEqual([
      {
        path: '',
        message: `the parameter file is ${Buffer.byteLength(big)} bytes; the limit is 1 MiB (1048576 bytes)`,
      },
    ]);
  });

  it('treats "__proto__" as an ordinary (unknown) key', () => {
    const result = validate(
      seedConfigText('seed-sample').replace(
        '"name": "dataset-group-name-1"',
        '"__proto__": {"name": "dataset-group-name-1"}',
      ),
    );
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { path: 'datasetGroup.serviceConfig.name', message: 'is required' },
        { path: 'datasetGroup.serviceConfig.__proto__', message: expect.stringContaining('unknown key "__proto__"') },
      ]),
    );
  });

  it('accepts a UTF-8 byte-order mark', () => {
    expect(validate(`\ufeff${seedConfigText('seed-sample')}`).ok).toBe(true);
  });
});

describe('validate: all errors at once', () => {
  it('reports structural and cross-section errors of one file together', () => {
    const result = validate(
      sampleWith((d) => {
        d.datasetGroup.serviceConfig.name = 'bad name';
        d.solutions[1].serviceConfig.name = 'sims-solution';
        d.filters[0].serviceConfig.filterExpression = 'INCLUDE';
        d.solutions[2].campaigns[0].serviceConfig.minProvisionedTPS = 0;
      }),
    );
    expect(result.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        'datasetGroup.serviceConfig.name',
        'solutions[1].serviceConfig.name',
        'filters[0].serviceConfig.filterExpression',
        'solutions[2].campaigns[0].serviceConfig.minProvisionedTPS',
      ]),
    );
  });
});

describe("validate: today's Personalize API", () => {
  it('accepts fields newer than the deprecated solution', () => {
    const result = validate(
      sampleWith((d) => {
        d.datasets.serviceConfig = { importMode: 'INCREMENTAL', publishAttributionMetricsToS3: false };
        Object.assign(upSolution(d).serviceConfig, {
          performAutoTraining: false,
          performIncrementalUpdate: true,
          solutionConfig: { autoTrainingConfig: { schedulingExpression: 'rate(7 days)' } },
          solutionVersion: { name: 'v1', trainingMode: 'UPDATE' },
        });
        upSolution(d).campaigns[0].serviceConfig.campaignConfig = {
          enableMetadataWithRecommendations: true,
          itemExplorationConfig: { explorationWeight: '0.3' },
        };
      }),
    );
    expect(result.errors).toEqual([]);
  });

  it('accepts actions and action interactions datasets', () => {
    const doc = seedConfig();
    doc.datasets.actions = {
      dataset: { serviceConfig: { name: 'actions-data' } },
      schema: {
        serviceConfig: {
          name: 'actions-schema',
          schema: {
            type: 'record',
            name: 'actions',
            fields: [
              { name: 'ACTION_ID', type: 'string' },
              { name: 'VALUE', type: 'int' },
            ],
          },
        },
      },
    };
    doc.datasets.action_interactions = {
      dataset: { serviceConfig: { name: 'action-interactions-data' } },
      schema: {
        serviceConfig: {
          name: 'action-interactions-schema',
          schema: {
            type: 'record',
            name: 'ai',
            fields: ['USER_ID', 'ACTION_ID', 'EVENT_TYPE']
              .map((name) => ({ name, type: 'string' }))
              .concat({ name: 'TIMESTAMP', type: 'long' }),
          },
        },
      },
    };
    doc.solutions.push({
      serviceConfig: { name: 'nba', recipeArn: 'arn:aws:personalize:::recipe/aws-next-best-action' },
    });
    expect(validate(JSON.stringify(doc)).errors).toEqual([]);
  });

  it('accepts recommenders in a domain dataset group', () => {
    expect(validate(JSON.stringify(ecommerceConfig())).errors).toEqual([]);
  });

  it('accepts a promotion gate on a solution', () => {
    const result = validate(
      sampleWith(
        (d) =>
          (upSolution(d).workflowConfig.promotion = {
            metric: 'normalized_discounted_cumulative_gain_at_10',
            minRatio: 0.95,
          }),
      ),
    );
    expect(result.ok).toBe(true);
  });

  it('rejects a promotion gate on an unknown metric', () => {
    const result = validate(
      sampleWith((d) => (upSolution(d).workflowConfig.promotion = { metric: 'ndcg', minRatio: 1 })),
    );
    expect(result.errors).toEqual([
      {
        path: 'solutions[2].workflowConfig.promotion.metric',
        message:
          'must be one of "coverage", "mean_reciprocal_rank_at_25", "normalized_discounted_cumulative_gain_at_5", "normalized_discounted_cumulative_gain_at_10", "normalized_discounted_cumulative_gain_at_25", "precision_at_5", "precision_at_10", "precision_at_25", not the string "ndcg"',
      },
    ]);
  });

  it('accepts `delete` as any schedule', () => {
    const result = validate(
      sampleWith((d) => {
        d.datasetGroup.workflowConfig.schedules.import = 'delete';
        upSolution(d).batchInferenceJobs[0].workflowConfig.schedule = 'delete';
      }),
    );
    expect(result.ok).toBe(true);
  });
});

describe('validate: warnings', () => {
  it('warns that performAutoML is dropped', () => {
    const result = validate(sampleWith((d) => (d.solutions[0].serviceConfig.performAutoML = true)));
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      {
        path: 'solutions[0].serviceConfig.performAutoML',
        message: 'performAutoML is deprecated by Personalize; mpx drops it and trains the recipeArn',
      },
    ]);
    expect(result.config?.solutions?.[0]?.serviceConfig).not.toHaveProperty('performAutoML');
  });

  it('warns when Personalize would auto-train a solution that has its own schedules', () => {
    const result = validate(sampleWith((d) => (d.solutions[0].serviceConfig.performAutoTraining = true)));
    expect(result.warnings).toEqual([
      {
        path: 'solutions[0].serviceConfig.performAutoTraining',
        message:
          'this solution has its own training schedules and performAutoTraining is true: Personalize would also retrain it every 7 days and bill twice',
      },
    ]);
  });
});

describe('validate: maxAge keys that mpx keeps valid but does not need', () => {
  it('warns, with their paths, that a dataset group’s and a campaign’s maxAge change nothing', () => {
    const result = validate(
      sampleWith((d) => {
        d.datasetGroup.workflowConfig = { ...d.datasetGroup.workflowConfig, maxAge: '1 day' };
        d.solutions[2].campaigns[0].workflowConfig = { maxAge: '2 weeks' };
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual([
      'datasetGroup.workflowConfig.maxAge',
      'solutions[2].campaigns[0].workflowConfig.maxAge',
    ]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^changes nothing in mpx: a dataset is re-imported when its data changed/),
      expect.stringMatching(/^changes nothing in mpx: a campaign is updated to each new solution version/),
    ]);
  });
});

describe('validate: the examples', () => {
  it('accepts examples/retail/config.json', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../../examples/retail/config.json', import.meta.url), 'utf8');
    const result = validate(text);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });
});
