import { describe, expect, it } from 'vitest';
import { dataFolderOf, findDataLocations } from '../../../shared/uploads/data-locations.js';

describe('findDataLocations', () => {
  const folder = 'train/shop/';

  it('finds single CSV files next to the parameter file', () => {
    expect(
      findDataLocations('data', folder, [
        'train/shop/config.json',
        'train/shop/interactions.csv',
        'train/shop/users.csv',
      ]),
    ).toEqual({
      interactions: 's3://data/train/shop/interactions.csv',
      users: 's3://data/train/shop/users.csv',
    });
  });

  it('prefers a folder of CSV parts to a single file, as the deprecated solution did', () => {
    expect(
      findDataLocations('data', folder, [
        'train/shop/interactions.csv',
        'train/shop/interactions/part-1.csv',
        'train/shop/interactions/part-2.CSV',
      ]),
    ).toEqual({ interactions: 's3://data/train/shop/interactions/' });
  });

  it('ignores other files, nested folders and other dataset groups', () => {
    expect(
      findDataLocations('data', folder, [
        'train/shop/items.json',
        'train/shop/items/deeper/part.csv',
        'train/shopping/interactions.csv',
        'train/shop/notes.txt',
      ]),
    ).toEqual({});
  });
});

describe('dataFolderOf', () => {
  it('is the folder of the parameter file', () => {
    expect(dataFolderOf('train/shop/config.json')).toBe('train/shop/');
    expect(dataFolderOf('config.json')).toBe('');
  });
});
