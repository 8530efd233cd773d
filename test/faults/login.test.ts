import { benign, faults } from './login.faults';
import { benignTests, faultTests } from '../harness/fault-cases';

faultTests(faults);
benignTests(benign);
