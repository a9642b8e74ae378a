import type { BillType } from '../catalog/bill-type.entity';
import type { Unit } from '../catalog/unit.entity';

/**
 * Reference rows read once per transaction. A ledger call names its unit and bill type several
 * times (the rules, the operators' card, the document view); within one transaction they are the
 * same rows, so the later reads are answered from here. Only a transaction's repositories carry a
 * memo (the shared read repositories never do: they live as long as the process), and every catalog
 * write in the transaction clears it.
 */
export class TxMemo {
  private readonly unitsById = new Map<number, Unit>();
  private readonly unitIdByCode = new Map<string, number>();
  private readonly billTypesById = new Map<number, BillType>();
  private readonly billTypeIdByCode = new Map<string, number>();

  unit(id: number): Unit | undefined {
    return this.unitsById.get(id);
  }
  unitByCode(code: string): Unit | undefined {
    const id = this.unitIdByCode.get(code);
    return id === undefined ? undefined : this.unitsById.get(id);
  }
  billType(id: number): BillType | undefined {
    return this.billTypesById.get(id);
  }
  billTypeByCode(code: string): BillType | undefined {
    const id = this.billTypeIdByCode.get(code);
    return id === undefined ? undefined : this.billTypesById.get(id);
  }

  /** Remembers a row just read (null: nothing to remember) and returns it. */
  keepUnit<T extends Unit | null>(u: T): T {
    if (u) {
      this.unitsById.set(u.id, u);
      this.unitIdByCode.set(u.code, u.id);
    }
    return u;
  }
  keepBillType<T extends BillType | null>(b: T): T {
    if (b) {
      this.billTypesById.set(b.id, b);
      this.billTypeIdByCode.set(b.code, b.id);
    }
    return b;
  }

  /** A catalog row changed in this transaction: read everything afresh. */
  clear(): void {
    this.unitsById.clear();
    this.unitIdByCode.clear();
    this.billTypesById.clear();
    this.billTypeIdByCode.clear();
  }
}
