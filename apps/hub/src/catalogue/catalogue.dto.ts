import { ApiProperty } from '@nestjs/swagger';
import { FIELD_KINDS, SECRECY_CLASSES, type FieldKind, type SecrecyClass } from '@hub/contracts';
import type { StoredCatalogue } from './catalogue.service.js';

export class CatalogueFieldView {
  @ApiProperty({ example: 'amount' })
  name: string;

  @ApiProperty({
    enum: FIELD_KINDS,
    description: 'address and location fields never leave the hub for a protected identity',
  })
  kind: FieldKind;
}

export class CatalogueCategoryView {
  @ApiProperty({ example: 'fk.utbetalningar' })
  code: string;

  @ApiProperty({ enum: SECRECY_CLASSES, example: 'consent' })
  secrecyClass: SecrecyClass;

  @ApiProperty({ example: 'Utbetalningar de senaste 12 månaderna: förmån, belopp, period' })
  description: string;

  @ApiProperty({ type: [CatalogueFieldView] })
  fields: CatalogueFieldView[];
}

export class CatalogueReferralTypeView {
  @ApiProperty({ example: 'fk.bostadsbidrag-ansokan' })
  code: string;

  @ApiProperty({ example: 'Hjälp att ansöka om bostadsbidrag' })
  description: string;

  @ApiProperty({ description: 'the agreed response time', example: 120 })
  responseTimeHours: number;
}

export class CatalogueView {
  @ApiProperty({ example: 'fk' })
  agency: string;

  @ApiProperty({ description: 'organisationsnummer of the agency', example: '2021005521' })
  organisation: string;

  @ApiProperty({ example: 'Försäkringskassan' })
  name: string;

  @ApiProperty({ description: 'when the adapter issued the announcement now in force', format: 'date-time' })
  announcedAt: string;

  @ApiProperty({ type: [CatalogueCategoryView] })
  categories: CatalogueCategoryView[];

  @ApiProperty({ type: [CatalogueReferralTypeView] })
  referralTypes: CatalogueReferralTypeView[];

  static of(c: StoredCatalogue): CatalogueView {
    return {
      agency: c.agency,
      organisation: c.organisation,
      name: c.name,
      announcedAt: c.announcedAt.toISOString(),
      categories: c.categories.map((x) => ({
        code: x.code,
        secrecyClass: x.secrecyClass,
        description: x.description,
        fields: x.fields.map((f) => ({ name: f.name, kind: f.kind })),
      })),
      referralTypes: c.referralTypes.map((r) => ({
        code: r.code,
        description: r.description,
        responseTimeHours: r.responseTimeHours,
      })),
    };
  }
}
